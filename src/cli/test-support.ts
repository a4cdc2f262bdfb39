/**
 * The documented JSON shape (json.ts) as a runtime check for the tests. Each table is a
 * Record over the type's keys, so the compiler fails when the type gains or loses a field
 * that the check does not.
 */
import type { Comparison, Diagnostics } from '../check/index.js';
import type { LossCurve } from '../optim/index.js';
import type { Evaluations } from './counted.js';
import type { LawResult, ModuleError, PowerResult, RunResult, SkippedExport, TargetResult } from './json.js';

type Check = (value: unknown, where: string) => string[];
type Shape<T> = Record<keyof T, Check>;

const is = (test: (v: unknown) => boolean, what: string): Check => (v, where) => (test(v) ? [] : [`${where}: expected ${what}, got ${JSON.stringify(v)}`]);
const str = is((v) => typeof v === 'string', 'a string');
const num = is((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const obj = is((v) => typeof v === 'object' && v !== null, 'an object');
const oneOf = (...values: unknown[]) => is((v) => values.includes(v), values.join(' | '));
const nullable = (check: Check): Check => (v, where) => (v === null ? [] : check(v, where));
const arrayOf = (check: Check): Check => (v, where) => (Array.isArray(v) ? v.flatMap((x, i) => check(x, `${where}[${i}]`)) : [`${where}: expected an array`]);

function record<T>(shape: Shape<T>): Check {
  return (value, where) => {
    if (typeof value !== 'object' || value === null) return [`${where}: expected an object`];
    const extra = Object.keys(value).filter((key) => !(key in shape)).map((key) => `${where}.${key}: not in the documented shape`);
    return [...extra, ...Object.entries(shape).flatMap(([key, check]) => (key in value ? (check as Check)((value as Record<string, unknown>)[key], `${where}.${key}`) : [`${where}.${key}: missing`]))];
  };
}

const law = record<LawResult>({
  law: str,
  verdict: oneOf('pass', 'fail', 'error', 'skipped'),
  cases: num,
  shrinks: num,
  worst: nullable(is((v) => typeof (v as Comparison).relError === 'number' && 'input' in (v as object) && Array.isArray((v as Comparison).index), 'a Comparison')),
  evaluations: record<Evaluations>({ forward: num, vjp: num, jvp: num }),
  timeMs: num,
  seed: num,
  path: nullable(str),
  replay: nullable(str),
  message: nullable(str),
  counterexample: nullable(str),
  report: nullable(str),
  test: nullable(str),
  diagnostics: nullable(is((v) => Array.isArray((v as Diagnostics).inputs) && 'steps' in (v as object) && typeof (v as Diagnostics).cotangent === 'object', 'Diagnostics')),
});

const target = record<TargetResult>({
  id: str,
  name: str,
  kind: oneOf('op', 'differentiable', 'model', 'spec'),
  module: nullable(str),
  verdict: oneOf('pass', 'fail', 'error'),
  message: nullable(str),
  laws: arrayOf(law),
});

const run = record<RunResult>({
  command: oneOf('verify', 'check'),
  modules: arrayOf(str),
  options: record<RunResult['options']>({ runs: num, seed: num, mode: oneOf('auto', 'fast', 'full'), filter: nullable(str), law: nullable(str), shard: nullable(str), path: nullable(str) }),
  exitCode: oneOf(0, 1, 2),
  durationMs: num,
  summary: record<RunResult['summary']>({ targets: num, laws: num, passed: num, failed: num, errors: num, skipped: num }),
  targets: arrayOf(target),
  skipped: arrayOf(record<SkippedExport>({ module: str, export: str, reason: str })),
  moduleErrors: arrayOf(record<ModuleError>({ module: str, message: str })),
  power: arrayOf(record<PowerResult>({ id: str, module: nullable(str), ok: oneOf(true, false), text: str, report: nullable(obj) })),
  curves: arrayOf(
    record<RunResult['curves'][number]>({ id: str, model: str, seed: num, optimizer: str, training: arrayOf(record<LossCurve>({ backward: oneOf('engine', 'manualGrad'), losses: arrayOf(num) })), stateGradients: nullable(obj) }),
  ),
});

/** What in a parsed --json file departs from the documented RunResult shape; empty when nothing does. */
export function shapeErrors(value: unknown): string[] {
  return run(value, 'result');
}
