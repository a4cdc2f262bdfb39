/**
 * The result of a gradprop run: what `--json FILE` writes, and what the table and JUnit XML are
 * printed from. Field values are JSON (null, never undefined), so the file has every key.
 */
import type { Comparison, Mode } from '../check/index.js';
import type { PowerReport } from '../power/index.js';
import type { Evaluations } from './counted.js';
import type { Kind } from './targets.js';
import type { LawVerdict } from './verdicts.js';

export type { LawVerdict } from './verdicts.js';

export interface LawResult {
  law: string;
  verdict: LawVerdict;
  /** Generated cases run: all of them, or up to and including the first failure (a timeout: those finished). */
  cases: number;
  /** Shrinking steps from the first failing case to the counterexample. */
  shrinks: number;
  /**
   * The gradient comparison that came closest to its tolerance over all cases, or the failing
   * counterexample's worst entry (input, index, analytic, numeric, relError…); null for laws that
   * compare no gradient entries.
   */
  worst: Comparison | null;
  /** Calls of the target's forward, vjp and jvp made by the law, shrinking included. */
  evaluations: Evaluations;
  timeMs: number;
  /** The fast-check seed; with `path`, replays the counterexample. */
  seed: number;
  /** The fast-check path of the counterexample (failures only). */
  path: string | null;
  /** The command that replays the failure (failures only). */
  replay: string | null;
  /** What went wrong, one paragraph; or why the law was skipped. */
  message: string | null;
  /** The shrunk counterexample, as code. */
  counterexample: string | null;
  /** The checker's report table for the counterexample, when the law made one. */
  report: string | null;
  /** A vitest test reproducing the counterexample, when the target can be imported by name. */
  test: string | null;
}

export interface TargetResult {
  /** What --filter matches: `ops/tanh`, `zoo/elman`, `zoo/elman.manualGrad`, or the export's name. */
  id: string;
  /** The target's own name (an op's or Differentiable's name). */
  name: string;
  kind: Kind;
  module: string | null;
  /** `error`: it could not be checked at all (message says why); otherwise pass or fail by its laws. */
  verdict: 'pass' | 'fail' | 'error';
  message: string | null;
  /** Checked at the fixed inputs of a spec: every law runs once, since every case would be the same. */
  fixedInputs: boolean;
  laws: LawResult[];
}

export interface SkippedExport {
  module: string;
  export: string;
  reason: string;
}

export interface ModuleError {
  module: string;
  /**
   * `load`: it could not be loaded (no exports checked): it threw, has a syntax error, timed out or
   * ended its worker while loading. `async`: its code raised an error outside any law — an
   * unhandled rejection, a throw in a timer, process.exit between laws — its exports were checked.
   */
  kind: 'load' | 'async';
  message: string;
}

/** How many of each: the terminal's summary line and JUnit's totals are read off these. */
export interface Summary {
  /** Targets selected, including those that could not be checked. */
  targets: number;
  /** Targets that could not be checked at all (one ERROR row each, no laws). */
  uncheckable: number;
  /** Laws run on targets: one row of the table, one JUnit testcase each. */
  laws: number;
  /** Generated cases over all laws. */
  cases: number;
  /** Laws by verdict. */
  verdicts: Record<LawVerdict, number>;
  skippedExports: number;
  moduleErrors: number;
}

export interface PowerResult {
  id: string;
  module: string | null;
  ok: boolean;
  /** The report as src/power's formatPowerReport prints it, or why it could not be measured. */
  text: string;
  /** null when it could not be measured (ok is then false). */
  report: PowerReport | null;
}

export interface RunResult {
  command: 'verify' | 'check';
  /** The modules checked (check only). */
  modules: string[];
  options: {
    runs: number;
    seed: number;
    mode: Mode;
    filter: string | null;
    law: string | null;
    shard: string | null;
    path: string | null;
    /** --timeout: seconds per target and law. */
    timeout: number;
    /** --load-timeout: seconds to load a module and find its targets. */
    loadTimeout: number;
  };
  /** 0 every check passed; 1 a check failed, or a module failed to load or raised an error of its own. */
  exitCode: 0 | 1;
  durationMs: number;
  summary: Summary;
  targets: TargetResult[];
  /** Exports that are not checkable, with the reason. */
  skipped: SkippedExport[];
  /** Modules that could not be loaded, and errors a module raised outside any law; in module order. */
  moduleErrors: ModuleError[];
  /** --power: one report per checked target. */
  power: PowerResult[];
}

/** A law that has run no case yet: what a run fills in, and what a timeout or a crash reports. */
export function emptyLawResult(law: string, seed: number): LawResult {
  return {
    law,
    verdict: 'pass',
    cases: 0,
    shrinks: 0,
    worst: null,
    evaluations: { forward: 0, vjp: 0, jvp: 0 },
    timeMs: 0,
    seed,
    path: null,
    replay: null,
    message: null,
    counterexample: null,
    report: null,
    test: null,
  };
}

export type Untimed = Omit<RunResult, 'durationMs' | 'targets'> & { targets: (Omit<TargetResult, 'laws'> & { laws: Omit<LawResult, 'timeMs'>[] })[] };

/** A result without its timings (durationMs, each law's timeMs): what two runs with the same seed and options share, whatever the workers. */
export function withoutTimings({ durationMs: _, ...result }: RunResult): Untimed {
  return { ...result, targets: result.targets.map((t) => ({ ...t, laws: t.laws.map(({ timeMs: _time, ...law }) => law) })) };
}

export function jsonText(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
