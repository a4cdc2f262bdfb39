import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import type { LawResult, RunResult } from './json.js';
import { junitXml } from './junit.js';
import { progress } from './progress.js';
import { formatRun, useColour } from './table.js';
import { parseJunit, shapeErrors } from './test-support.js';
import { noVerdicts } from './verdicts.js';

const awkward = 'a <tag> & "quoted" \'text\' with \x1b[31mcolour\x1b[0m, ⟨v, Ju⟩ and σ';

const failing: LawResult = {
  law: 'gradientsMatchFiniteDifferences',
  verdict: 'fail',
  cases: 3,
  shrinks: 2,
  worst: { input: 0, index: [1], quantity: 'vjp', analytic: 2, numeric: 1, absError: 1, relError: 1, tolerance: 1e-12, verdict: 'fail' },
  evaluations: { forward: 30, vjp: 6, jvp: 3 },
  order: 1,
  timeMs: 12,
  seed: 1,
  path: '2:0',
  replay: "npx gradprop verify --filter '^ops/x$' --seed 1 --path 2:0",
  message: `ops/x: fails: ${awkward}`,
  counterexample: '[tensor([1, 2])]',
  report: 'gradcheck x: FAIL',
  test: null,
  diagnostics: null,
};

const result: RunResult = {
  command: 'verify',
  modules: [],
  options: { runs: 3, seed: 1, mode: 'auto', order: 1, filter: null, law: null, shard: null, path: null, timeout: 120, loadTimeout: 60 },
  exitCode: 1,
  durationMs: 20,
  summary: { targets: 1, uncheckable: 0, laws: 2, cases: 6, verdicts: { ...noVerdicts(), pass: 1, fail: 1 }, skippedExports: 0, moduleErrors: 0 },
  targets: [{ id: 'ops/x', name: 'x', kind: 'op', module: null, verdict: 'fail', message: null, fixedInputs: false, laws: [failing, { ...failing, law: 'isPure', verdict: 'pass', worst: null, order: null, path: null, replay: null, message: null, counterexample: null, report: null }] }],
  skipped: [],
  moduleErrors: [],
  power: [],
  curves: [],
};

describe('the JSON shape check the CLI tests use', () => {
  test('accepts a result of the documented shape and names what departs from it', () => {
    expect(shapeErrors(result)).toEqual([]);
    const { seed: _, ...withoutSeed } = failing;
    const broken = { ...result, extra: 1, targets: [{ ...result.targets[0]!, laws: [{ ...withoutSeed, verdict: 'maybe' }] }] };
    expect(shapeErrors(broken)).toEqual([
      'result.extra: not in the documented shape',
      'result.targets[0].laws[0].verdict: expected pass | fail | inconclusive | error | timeout | skipped, got "maybe"',
      'result.targets[0].laws[0].seed: missing',
    ]);
  });
});

describe('junitXml', () => {
  test('escapes markup and drops characters XML forbids, so a parser reads the text back', () => {
    const xml = junitXml(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const [bad, good] = parsed.testsuites.testsuite.testcase;
    const expected = awkward.replace(/\x1b/g, '\uFFFD');
    expect(bad.failure.message).toBe(`ops/x: fails: ${expected}`);
    expect(bad.failure['#text']).toContain(`ops/x: fails: ${expected}\ncounterexample (after 3 cases, shrunk 2 times): [tensor([1, 2])]`);
    expect(bad.failure['#text']).toContain("replay: npx gradprop verify --filter '^ops/x$' --seed 1 --path 2:0");
    expect(good.failure).toBeUndefined();
    expect(parsed.testsuites).toMatchObject({ name: 'gradprop verify', tests: '2', failures: '1', errors: '0' });
  });
});

describe('terminal output', () => {
  test('colour only on a terminal without NO_COLOR', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({}, {})).toBe(false);
    expect(formatRun(result, true)).toContain('\x1b[31mFAIL\x1b[0m');
    expect(formatRun(result, false)).not.toContain('\x1b[');
  });

  test('every verdict is shown by its label, coloured and counted by the one verdict table; pass and fail always, the others when some law has them', () => {
    const timedOut: LawResult = { ...failing, law: 'jvpMatchesVjp', verdict: 'timeout', message: 'ops/x: jvpMatchesVjp timed out after 2 s (--timeout) in case 2 of 3, 1 passed' };
    const errors = { ...failing, law: 'isPure', verdict: 'error' as const };
    const mixed: RunResult = {
      ...result,
      summary: { ...result.summary, laws: 4, verdicts: { ...noVerdicts(), fail: 1, timeout: 1, error: 2 } },
      targets: [{ ...result.targets[0]!, laws: [failing, timedOut, errors, errors] }],
    };
    const text = formatRun(mixed, false);
    expect(text).toMatch(/^ops\/x +jvpMatchesVjp +3 +TIMEOUT /m);
    expect(text).toContain(`✗ ops/x — jvpMatchesVjp
  ${timedOut.message}`);
    expect(text).toMatch(/^gradprop verify: FAIL — 4 laws on 1 target: 0 passed, 1 failed, 2 errors, 1 timed out — 20 ms, seed 1$/m);
    expect(formatRun(mixed, true)).toContain('\x1b[31mTIMEOUT\x1b[0m');
    const junit = parseJunit(junitXml(mixed));
    expect(junit.totals).toMatchObject({ tests: '4', failures: '1', errors: '3', skipped: '0' });
    expect(junit.testcases.find((c) => c.name === 'ops/x jvpMatchesVjp')?.error?.message).toBe(timedOut.message);
  });

  test('a law that cannot tell is no pass: INCONCLUSIVE in yellow, counted apart, shown in full with the failures, a JUnit failure; the run fails', () => {
    const message = 'ops/x: gradientsMatchFiniteDifferences is inconclusive: cannot tell whether the derivatives are right — inconclusive at input 0 at [1]';
    const cannotTell: LawResult = { ...failing, verdict: 'inconclusive', message, worst: { ...failing.worst!, verdict: 'inconclusive' } };
    const pure: LawResult = { ...failing, law: 'isPure', verdict: 'pass', message: null };
    const run: RunResult = {
      ...result,
      summary: { ...result.summary, verdicts: { ...noVerdicts(), pass: 1, inconclusive: 1 } },
      targets: [{ ...result.targets[0]!, verdict: 'inconclusive', laws: [cannotTell, pure] }],
    };
    const text = formatRun(run, false);
    expect(text).toMatch(/^ops\/x +gradientsMatchFiniteDifferences +3 +INCONCLUSIVE /m);
    expect(text).toContain(`✗ ops/x — gradientsMatchFiniteDifferences\n  ${message}`);
    expect(text).toMatch(/^gradprop verify: FAIL — 2 laws on 1 target: 1 passed, 0 failed, 1 inconclusive — 20 ms, seed 1$/m);
    expect(formatRun(run, true)).toContain('\x1b[33mINCONCLUSIVE\x1b[0m');
    const junit = parseJunit(junitXml(run));
    expect(junit.totals).toMatchObject({ tests: '2', failures: '1', errors: '0', skipped: '0' });
    expect(junit.testcases.find((c) => c.name === 'ops/x gradientsMatchFiniteDifferences')?.failure?.message).toBe(message);
  });

  test('progress rewrites one line on a terminal and writes nothing elsewhere', () => {
    const written: string[] = [];
    const bar = progress({ isTTY: true, columns: 40, write: (text) => written.push(text) });
    bar.step(0, 2, 'ops/tanh gradientsMatchFiniteDifferences');
    bar.end();
    expect(written).toEqual(['\r\x1b[Kgradprop [0/2 laws] ops/tanh gradientsM', '\r\x1b[K']);
    const silent: string[] = [];
    const none = progress({ isTTY: false, write: (text) => silent.push(text) });
    none.step(0, 2, 'ops/tanh isPure');
    none.end();
    expect(silent).toEqual([]);
  });
});
