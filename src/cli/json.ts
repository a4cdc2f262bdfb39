/**
 * The result of a gradprop run: what `--json FILE` writes, and what the table, JUnit XML and HTML
 * report are made from. Field values are JSON (null, never undefined), so the file has every key.
 * The fields every report reads are documented where the report reads them (src/report/run.ts);
 * these types narrow them to what this version writes, and add what only the CLI writes.
 *
 * @module gradprop/cli
 */
import type { Diagnostics, Mode } from '../check/index.js';
import type { ModelCurves } from '../optim/index.js';
import type { ModuleError as ReportedModuleError, PowerResult, ReportedLaw, ReportedRun, ReportedTarget, SkippedExport } from '../report/run.js';
import type { Evaluations } from './counted.js';
import type { Kind } from './targets.js';
import type { LawVerdict } from './verdicts.js';

export type { Evaluations } from './counted.js';
export type { Kind } from './targets.js';
export type { LawVerdict } from './verdicts.js';
export type { PowerResult, SkippedExport };

/** One law's outcome on one target. */
export interface LawResult extends ReportedLaw {
  verdict: LawVerdict;
  evaluations: Evaluations;
  order: 1 | 2 | null;
  diagnostics: Diagnostics | null;
}

/** One checked target: what it is, where it came from, and each law's outcome. */
export interface TargetResult extends ReportedTarget {
  kind: Kind;
  /** pass: every law ok; inconclusive: the laws not ok could only not tell; fail: any other; error: not checked at all. */
  verdict: 'pass' | 'fail' | 'inconclusive' | 'error';
  /** Checked at the fixed inputs of a spec: every law runs once, since every case would be the same. */
  fixedInputs: boolean;
  laws: LawResult[];
}

/** A module that could not be loaded, or raised an error of its own, and why. */
export interface ModuleError extends ReportedModuleError {
  /**
   * `load`: it could not be loaded (no exports checked): it threw, has a syntax error, timed out or
   * ended its worker while loading. `async`: its code raised an error outside any law — an
   * unhandled rejection, a throw in a timer, process.exit between laws — its exports were checked.
   */
  kind: 'load' | 'async';
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

/** A whole run of gradprop verify or gradprop check: what `--json FILE` writes. */
export interface RunResult extends ReportedRun {
  command: 'verify' | 'check';
  modules: string[];
  options: ReportedRun['options'] & {
    mode: Mode;
    order: 1 | 2;
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
  summary: Summary;
  targets: TargetResult[];
  skipped: SkippedExport[];
  /** Modules that could not be loaded, and errors a module raised outside any law; in module order. */
  moduleErrors: ModuleError[];
  power: PowerResult[];
  curves: (ModelCurves & { id: string })[];
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
    order: null,
    timeMs: 0,
    seed,
    path: null,
    replay: null,
    message: null,
    counterexample: null,
    report: null,
    test: null,
    diagnostics: null,
  };
}

/** A result without its timings: see withoutTimings. */
export type Untimed = Omit<RunResult, 'durationMs' | 'targets'> & { targets: (Omit<TargetResult, 'laws'> & { laws: Omit<LawResult, 'timeMs'>[] })[] };

/** A result without its timings (durationMs, each law's timeMs): what two runs with the same seed and options share, whatever the workers. */
export function withoutTimings({ durationMs: _, ...result }: RunResult): Untimed {
  return { ...result, targets: result.targets.map((t) => ({ ...t, laws: t.laws.map(({ timeMs: _time, ...law }) => law) })) };
}

/** A run result as the JSON text --json writes. */
export function jsonText(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
