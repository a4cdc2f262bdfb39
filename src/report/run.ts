/**
 * What the report reads of a gradprop run: the JSON `gradprop --json` writes (src/cli/json.ts's
 * RunResult, which the report does not import: it sits above the CLI). Verdicts are read as
 * strings, so a verdict this version does not know is still shown; counts are taken from the
 * targets and laws themselves, so merged shards add up.
 */
import type { Comparison, Diagnostics } from '../check/index.js';
import type { ModelCurves } from '../optim/index.js';
import type { PowerReport } from '../power/index.js';

export interface ReportedLaw {
  law: string;
  /** pass, fail, error, skipped — or another a newer gradprop writes. */
  verdict: string;
  cases: number;
  shrinks: number;
  worst: Comparison | null;
  evaluations: { forward: number; vjp: number; jvp: number };
  timeMs: number;
  seed: number;
  path: string | null;
  replay: string | null;
  message: string | null;
  counterexample: string | null;
  report: string | null;
  test: string | null;
  /** The pictures' data for a failing law's counterexample (absent in results of older versions). */
  diagnostics?: Diagnostics | null;
}

export interface ReportedTarget {
  id: string;
  name: string;
  kind: string;
  module: string | null;
  verdict: string;
  message: string | null;
  laws: readonly ReportedLaw[];
}

export interface ReportedRun {
  command: string;
  modules: readonly string[];
  options: { runs: number; seed: number; mode: string; filter: string | null; law: string | null; shard: string | null };
  exitCode: number;
  durationMs: number;
  targets: readonly ReportedTarget[];
  skipped: readonly { module: string; export: string; reason: string }[];
  moduleErrors: readonly { module: string; message: string }[];
  power: readonly { id: string; module: string | null; ok: boolean; text: string; report: PowerReport | null }[];
  /** verify: each zoo model learning (absent in results of older versions). */
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
