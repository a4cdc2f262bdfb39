/**
 * The result of a gradprop run: what `--json FILE` writes, and what the table and JUnit XML are
 * printed from. Field values are JSON (null, never undefined), so the file has every key.
 *
 * @module gradprop/cli
 */
import type { Comparison, Mode } from '../check/index.js';
import type { PowerReport } from '../power/index.js';
import type { Evaluations } from './counted.js';
import type { Kind } from './targets.js';

export type { Evaluations } from './counted.js';
export type { Kind } from './targets.js';

/** `error`: the target threw, or the law could not run; `skipped`: the law does not apply. */
export type LawVerdict = 'pass' | 'fail' | 'error' | 'skipped';

/** One law's outcome on one target. */
export interface LawResult {
  law: string;
  verdict: LawVerdict;
  /** Generated cases run: all of them, or up to and including the first failure. */
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

/** One checked target: what it is, where it came from, and each law's outcome. */
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
  laws: LawResult[];
}

/** An export that is not checkable, and why. */
export interface SkippedExport {
  module: string;
  export: string;
  reason: string;
}

/** A module that could not be loaded, and why. */
export interface ModuleError {
  module: string;
  message: string;
}

/** The power report of one target (--power). */
export interface PowerResult {
  id: string;
  module: string | null;
  ok: boolean;
  /** The report as src/power's formatPowerReport prints it, or why it could not be measured. */
  text: string;
  /** null when it could not be measured (ok is then false). */
  report: PowerReport | null;
}

/** A whole run of gradprop verify or gradprop check: what `--json FILE` writes. */
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
  };
  /** 0 every check passed, 1 a check failed, 2 usage error or a module that cannot be loaded. */
  exitCode: 0 | 1 | 2;
  durationMs: number;
  summary: { targets: number; laws: number; passed: number; failed: number; errors: number; skipped: number };
  targets: TargetResult[];
  /** Exports that are not checkable, with the reason. */
  skipped: SkippedExport[];
  moduleErrors: ModuleError[];
  /** --power: one report per checked target. */
  power: PowerResult[];
}

/** A run result as the JSON text --json writes. */
export function jsonText(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
