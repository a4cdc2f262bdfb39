/**
 * Every verdict a law can get, and how it is shown and counted: the one table the terminal table,
 * the summary line, the JSON summary and JUnit read. A new verdict is a new row here.
 */
export interface VerdictStyle {
  /** In the table's verdict column. */
  label: string;
  /** In the summary line, after the count: one, many ("1 error", "2 errors"; "3 passed"). */
  counted: readonly [string, string];
  /** Shown in the summary line even when no law has it. */
  always: boolean;
  /** Whether the run can pass with a law of this verdict. */
  ok: boolean;
  /** The JUnit element a testcase of this verdict carries (none for a pass). */
  junit: 'failure' | 'error' | 'skipped' | null;
  colour: 'green' | 'red' | 'yellow';
}

/** A law's verdict on one target. */
export type LawVerdict = 'pass' | 'fail' | 'inconclusive' | 'error' | 'timeout' | 'skipped';

/** How each verdict is counted, shown and reported: one row per verdict. */
export const LAW_VERDICTS = {
  pass: { label: 'PASS', counted: ['passed', 'passed'], always: true, ok: true, junit: null, colour: 'green' },
  fail: { label: 'FAIL', counted: ['failed', 'failed'], always: true, ok: false, junit: 'failure', colour: 'red' },
  /**
   * The checker could not tell whether a case's derivatives are right (see the report's
   * `inconclusive`): no pass, since a pass means the gradients are right.
   */
  inconclusive: { label: 'INCONCLUSIVE', counted: ['inconclusive', 'inconclusive'], always: false, ok: false, junit: 'failure', colour: 'yellow' },
  /** The target threw or gave no tensor, the law could not run, or the target ended its worker. */
  error: { label: 'ERROR', counted: ['error', 'errors'], always: false, ok: false, junit: 'error', colour: 'red' },
  /** The law did not finish within --timeout. */
  timeout: { label: 'TIMEOUT', counted: ['timed out', 'timed out'], always: false, ok: false, junit: 'error', colour: 'red' },
  /** The law does not apply to the target (no jvp to check duality with). */
  skipped: { label: 'SKIP', counted: ['skipped', 'skipped'], always: false, ok: true, junit: 'skipped', colour: 'yellow' },
} as const satisfies Record<LawVerdict, VerdictStyle>;

export const lawVerdicts = Object.keys(LAW_VERDICTS) as LawVerdict[];

export function isLawVerdict(value: unknown): value is LawVerdict {
  return typeof value === 'string' && Object.hasOwn(LAW_VERDICTS, value);
}

/** Each verdict with no laws yet: the shape of the summary's counts. */
export function noVerdicts(): Record<LawVerdict, number> {
  return Object.fromEntries(lawVerdicts.map((v) => [v, 0])) as Record<LawVerdict, number>;
}
