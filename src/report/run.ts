/**
 * A gradprop run as JSON, as every report reads it: the fields `gradprop --json` writes (the CLI's
 * RunResult narrows these types), read loosely — a verdict is any string, so one this version does
 * not know is still shown; diagnostics and curves may be absent (results of older versions); counts
 * are taken from the targets and laws themselves, so merged shards add up.
 */
import type { Comparison, Diagnostics } from '../check/index.js';
import type { ModelCurves } from '../optim/index.js';
import type { PowerReport } from '../power/index.js';

/** One law's result on one target. */
export interface ReportedLaw {
  law: string;
  /** pass, fail, error (the target threw, or the law could not run), skipped (it does not apply) — or another a newer gradprop writes. */
  verdict: string;
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
  evaluations: { forward: number; vjp: number; jvp: number };
  /**
   * The derivative order the law's gradient comparisons speak for: 2 when `--order 2` checked the
   * gradients of the gradients, 1 when it checked the first order only or the first order already
   * failed; null for a law that compares no gradients. Absent from results of older versions.
   */
  order?: number | null;
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
  /** A failure's counterexample diagnosed for the pictures: every entry's derivatives (capped) and the step-size sweep. */
  diagnostics?: Diagnostics | null;
}

/** One target and its laws' results. */
export interface ReportedTarget {
  /** What --filter matches: `ops/tanh`, `zoo/elman`, `zoo/elman.manualGrad`, or the export's name. */
  id: string;
  /** The target's own name (an op's or Differentiable's name). */
  name: string;
  /** op, differentiable, model or spec. */
  kind: string;
  module: string | null;
  /** `error`: it could not be checked at all (message says why); otherwise pass or fail by its laws. */
  verdict: string;
  message: string | null;
  laws: readonly ReportedLaw[];
}

/** An export `gradprop check` could not check, and why. */
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

/** --power: how many planted bugs one target's test catches. */
export interface PowerResult {
  id: string;
  module: string | null;
  ok: boolean;
  /** The report as src/power's formatPowerReport prints it, or why it could not be measured. */
  text: string;
  /** null when it could not be measured (ok is then false). */
  report: PowerReport | null;
}

/** A whole run: what `gradprop --json` writes, or shards merged by mergeRuns. */
export interface ReportedRun {
  command: string;
  /** The modules checked (check only). */
  modules: readonly string[];
  /** `order`: 2 when the gradients of the gradients were checked (--order 2); absent from results of older versions. */
  options: { runs: number; seed: number; mode: string; order?: number; filter: string | null; law: string | null; shard: string | null };
  /** 0 every check passed; 1 a check failed, or a module failed to load or raised an error of its own (older versions: 2 for a module that could not be loaded). */
  exitCode: number;
  durationMs: number;
  targets: readonly ReportedTarget[];
  /** Exports that are not checkable, with the reason. */
  skipped: readonly SkippedExport[];
  moduleErrors: readonly ModuleError[];
  /** --power: one report per checked target. */
  power: readonly PowerResult[];
  /** verify: each checked zoo model learning (loss curve; gradient over time for the recurrent ones). */
  curves?: readonly (ModelCurves & { id: string })[];
}

/**
 * The value, if it is a run result; otherwise an error saying what `what` (a file name, say)
 * holds instead. Checks the structure the report walks, not every field.
 */
export function asRun(value: unknown, what = 'the value'): ReportedRun {
  const problem = runProblem(value);
  if (problem) throw new TypeError(`gradprop report: ${what} is not a gradprop run result (the JSON of gradprop --json): ${problem}`);
  return value as ReportedRun;
}

function runProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected an object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  const run = value as Record<string, unknown>;
  if (typeof run.command !== 'string') return "it has no 'command'";
  const options = run.options as Record<string, unknown> | undefined;
  if (typeof options !== 'object' || options === null || typeof options.seed !== 'number') return "it has no 'options' with a seed";
  for (const key of ['targets', 'skipped', 'moduleErrors', 'power']) if (!Array.isArray(run[key])) return `its '${key}' is not an array`;
  const bad = (run.targets as unknown[]).findIndex((t) => typeof (t as ReportedTarget | null)?.id !== 'string' || !Array.isArray((t as ReportedTarget).laws));
  return bad >= 0 ? `target ${bad} has no 'id' or no 'laws' array` : undefined;
}
