/**
 * What the CLI's tests share: running the command in a subprocess, reading its reports, and the
 * documented JSON shape (json.ts) as a runtime check. Each table is a
 * Record over the type's keys, so the compiler fails when the type gains or loses a field
 * that the check does not.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { Comparison, Diagnostics } from '../check/index.js';
import type { LossCurve } from '../optim/index.js';
import type { Evaluations } from './counted.js';
import type { LawResult, ModuleError, PowerResult, RunResult, SkippedExport, Summary, TargetResult } from './json.js';
import { LAW_VERDICTS, lawVerdicts } from './verdicts.js';

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
  verdict: oneOf(...lawVerdicts),
  cases: num,
  shrinks: num,
  worst: nullable(is((v) => typeof (v as Comparison).relError === 'number' && 'input' in (v as object) && Array.isArray((v as Comparison).index), 'a Comparison')),
  evaluations: record<Evaluations>({ forward: num, vjp: num, jvp: num }),
  order: nullable(oneOf(1, 2)),
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
  verdict: oneOf('pass', 'fail', 'inconclusive', 'error'),
  message: nullable(str),
  fixedInputs: oneOf(true, false),
  laws: arrayOf(law),
});

const run = record<RunResult>({
  command: oneOf('verify', 'check'),
  modules: arrayOf(str),
  options: record<RunResult['options']>({
    runs: num,
    seed: num,
    mode: oneOf('auto', 'fast', 'full'),
    order: oneOf(1, 2),
    filter: nullable(str),
    law: nullable(str),
    shard: nullable(str),
    path: nullable(str),
    timeout: num,
    loadTimeout: num,
  }),
  exitCode: oneOf(0, 1),
  durationMs: num,
  summary: record<Summary>({
    targets: num,
    uncheckable: num,
    laws: num,
    cases: num,
    verdicts: record<Summary['verdicts']>(Object.fromEntries(lawVerdicts.map((v) => [v, num])) as Shape<Summary['verdicts']>),
    skippedExports: num,
    moduleErrors: num,
  }),
  targets: arrayOf(target),
  skipped: arrayOf(record<SkippedExport>({ module: str, export: str, reason: str })),
  moduleErrors: arrayOf(record<ModuleError>({ module: str, kind: oneOf('load', 'async'), message: str })),
  power: arrayOf(record<PowerResult>({ id: str, module: nullable(str), ok: oneOf(true, false), text: str, report: nullable(obj) })),
  curves: arrayOf(
    record<RunResult['curves'][number]>({ id: str, model: str, seed: num, optimizer: str, training: arrayOf(record<LossCurve>({ backward: oneOf('engine', 'manualGrad'), losses: arrayOf(num) })), stateGradients: nullable(obj) }),
  ),
});

/** What in a parsed --json file departs from the documented RunResult shape; empty when nothing does. */
export function shapeErrors(value: unknown): string[] {
  return run(value, 'result');
}

/** gradprop's own folder: where `node bin/gradprop.js` runs from unless a test says otherwise. */
export const root = join(import.meta.dirname, '../..');

export interface GradpropRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock seconds the command took. */
  seconds: number;
}

/** Run the gradprop command as a user does: `node bin/gradprop.js …` in a subprocess. */
export function gradprop(args: readonly string[], { cwd = root, env = {} }: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): GradpropRun {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(root, 'bin/gradprop.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, seconds: (performance.now() - started) / 1000 };
}

export interface JunitCase {
  name: string;
  failure?: { '#text': string; message: string };
  error?: { '#text': string; message: string };
  skipped?: { message: string };
}

/** A JUnit report, validated and parsed: its testcases and the totals on <testsuites>. */
export function parseJunit(xml: string): { testcases: JunitCase[]; totals: Record<string, string> } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (tag) => tag === 'testsuite' || tag === 'testcase' }).parse(xml);
  const suites: { testcase?: JunitCase[] }[] = parsed.testsuites.testsuite ?? [];
  return { testcases: suites.flatMap((s) => s.testcase ?? []), totals: parsed.testsuites as Record<string, string> };
}

/**
 * Run with --json and --junit into `scratch`; the parsed JSON (checked against its documented
 * shape, and its summary against its own rows) and the JUnit testcases, whose totals must be the
 * summary's, added up.
 */
export function gradpropWithReports(scratch: string, name: string, args: readonly string[], options?: Parameters<typeof gradprop>[1]) {
  const json = join(scratch, `${name}.json`);
  const junit = join(scratch, name, 'junit.xml'); // a folder that does not exist yet, as in CI
  const run = gradprop([...args, '--json', json, '--junit', junit], options);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  expect(shapeErrors(result)).toEqual([]);
  const laws = result.targets.flatMap((t) => t.laws);
  expect(result.summary).toMatchObject({ targets: result.targets.length, laws: laws.length, cases: laws.reduce((n, l) => n + l.cases, 0) });
  expect(result.summary.verdicts).toEqual(Object.fromEntries(lawVerdicts.map((v) => [v, laws.filter((l) => l.verdict === v).length])));
  const { testcases, totals } = parseJunit(readFileSync(junit, 'utf8'));
  expect(totals).toMatchObject(junitTotals(result));
  return { ...run, result, testcases, totals };
}

/** One vocabulary: JUnit's totals are the summary's counts, each JUnit outcome the verdicts that map to it. */
function junitTotals({ summary }: RunResult): Record<string, string> {
  const laws = (tag: string) => lawVerdicts.filter((v) => LAW_VERDICTS[v].junit === tag).reduce((n, v) => n + summary.verdicts[v], 0);
  return {
    tests: String(summary.laws + summary.uncheckable + summary.moduleErrors + summary.skippedExports),
    failures: String(laws('failure')),
    errors: String(laws('error') + summary.uncheckable + summary.moduleErrors),
    skipped: String(laws('skipped') + summary.skippedExports),
  };
}

/** The result of one law on one target, which must be there. */
export function lawOf(result: RunResult, id: string, name: string): LawResult {
  const found = result.targets.find((t) => t.id === id)?.laws.find((l) => l.law === name);
  if (!found) throw new Error(`no ${name} result for ${id}`);
  return found;
}

/** Each target's verdict, by id. */
export const verdicts = (result: RunResult) => Object.fromEntries(result.targets.map((t) => [t.id, t.verdict]));
