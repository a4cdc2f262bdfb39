import fc from 'fast-check';
import { type Comparison, formatReport } from '../check/index.js';
import { type Case, LawViolation, type SameFailureDetails, caseCode, checkSameFailure, describeOtherFailure } from '../laws/index.js';
import { exportedSubject, pasteReadyTest } from '../vitest/replay.js';
import type { Evaluations } from './counted.js';
import { diagnoseFailure } from './diagnostics.js';
import { frame, thrown, where } from './describe.js';
import { type LawResult, emptyLawResult } from './json.js';
import { type Invocation, replayCommand } from './replay.js';
import type { LawRun, Target } from './targets.js';
import { isLawVerdict } from './verdicts.js';

/** What a worker needs to run one law the way the command asked. */
export interface LawSettings {
  invocation: Invocation;
  runs: number;
  seed: number;
  /** Replay the counterexample at this path. */
  path?: string;
  cwd: string;
}

/** How far a law has got: the cases it ran, then the runs shrinking a failure took, and the calls of the target so far. */
export interface LawProgress {
  cases: number;
  shrinks: number;
  evaluations: Evaluations;
}

/**
 * Run one law on one target with fc.check, so a failure has a seed and a path; `onProgress` hears
 * after every run of the property. A target at fixed inputs runs once: every case would be the same.
 */
export function runLaw(target: Target, run: LawRun, settings: LawSettings, onProgress: (progress: LawProgress) => void = () => {}): LawResult {
  const result = emptyLawResult(run.law, settings.seed);
  if (run.skip !== undefined || !run.property) return { ...result, verdict: 'skipped', message: run.skip ?? null };
  const { invocation, cwd } = settings;
  const probe = {
    evaluations: result.evaluations,
    observe: ({ worst, order }: { worst?: Comparison; order?: 1 | 2 }) => {
      if (worst && (!result.worst || closeness(worst) > closeness(result.worst))) result.worst = worst;
      if (result.order !== 2) result.order = order ?? 1;
    },
    options: { mode: invocation.mode, order: invocation.order },
  };
  const started = performance.now();
  let details: SameFailureDetails<unknown[]>;
  try {
    const property = reporting(run.property(probe), (cases, shrinks) => onProgress({ cases, shrinks, evaluations: result.evaluations }));
    const numRuns = target.fixedInputs ? 1 : settings.runs;
    details = checkSameFailure(property, { numRuns, seed: settings.seed, ...(settings.path === undefined ? {} : { path: settings.path }) });
  } catch (error) {
    // fast-check throws, rather than fails, when a case cannot even be generated (a domain or sampleBatch that throws).
    return { ...result, verdict: 'error', timeMs: performance.now() - started, message: `${where(target)}: ${run.law} could not generate a case: ${thrown(error)}${frame(error, cwd)}` };
  }
  result.timeMs = performance.now() - started;
  result.cases = details.numRuns;
  if (!details.failed) return result;

  const error = details.errorInstance;
  const violation = error instanceof LawViolation ? error : undefined;
  const [first, seed] = details.counterexample ?? [];
  const c = isCase(first) ? first : undefined;
  const path = details.counterexamplePath ?? '';
  const verdict = verdictOf(run.law, error);
  const detail = violation ? violation.detail : verdict === 'fail' ? (error as Error).message : `the target threw ${thrown(error)}${frame(error, cwd)}`;
  const other = describeOtherFailure(details.otherFailure);
  // diagnosing calls the counted target again: those calls are the report's, not the law's
  const evaluations = { ...result.evaluations };
  return {
    ...result,
    evaluations,
    verdict,
    shrinks: details.numShrinks,
    worst: violation?.report?.worst ?? result.worst,
    // the failure's own order: a failure at order 1 under --order 2 is the first order's
    order: violation?.report ? (violation.report.order ?? 1) : result.order,
    path,
    replay: replayCommand(invocation, target, run.law, details.seed, path),
    message: `${where(target)}: ${run.law} ${verdict === 'inconclusive' ? 'is inconclusive' : 'fails'}: ${detail}${other ? `\n  (${other})` : ''}`,
    counterexample: c ? caseCode(c) : fc.stringify(first),
    report: violation?.report ? formatReport(violation.report) : null,
    test: c && target.pasteName && violation?.report ? pasteReadyTest(c, seed as number, exportedSubject(target.pasteName, target.module), 'vitest', violation.report.order ?? 1) : null,
    diagnostics: c && (verdict === 'fail' || verdict === 'inconclusive') ? diagnoseFailure(c, seed as number, invocation.mode, violation?.report) : null,
  };
}

/**
 * The checker's own verdict when the CLI has one of that name ('error': the target could not be
 * evaluated, rather than being wrong), else 'fail'. The BPTT law reports with plain Errors that
 * start with its own name; anything else a law throws is the target throwing.
 */
function verdictOf(law: string, error: unknown): LawResult['verdict'] {
  if (error instanceof LawViolation) {
    const verdict = error.report?.verdict;
    return isLawVerdict(verdict) && verdict !== 'pass' ? verdict : 'fail';
  }
  return error instanceof Error && error.message.startsWith(law) ? 'fail' : 'error';
}

/** The property, telling `progress` after each run how many cases it has run, and how many shrinking runs since the first failure. */
function reporting<Ts>(property: fc.IRawProperty<Ts, false>, progress: (cases: number, shrinks: number) => void): fc.IRawProperty<Ts, false> {
  let cases = 0;
  let shrinks = 0;
  let failed = false;
  return {
    isAsync: () => false,
    generate: (random, runId) => property.generate(random, runId),
    shrink: (value) => property.shrink(value),
    run: (value) => {
      const outcome = property.run(value);
      if (failed) shrinks++;
      else cases++;
      failed ||= outcome !== null && !fc.PreconditionFailure.isFailure(outcome);
      progress(cases, shrinks);
      return outcome;
    },
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
  };
}

/** How close a comparison came to failing: its error as a fraction of its tolerance. */
function closeness(c: Comparison): number {
  if (c.verdict === 'fail') return Infinity;
  return c.tolerance > 0 ? c.absError / c.tolerance : c.absError > 0 ? Infinity : 0;
}

function isCase(value: unknown): value is Case {
  return typeof value === 'object' && value !== null && 'target' in value && Array.isArray((value as Case).inputs);
}
