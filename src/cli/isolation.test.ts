/**
 * Hostile modules (fixtures/cli/hostile/) under `gradprop check`, as subprocess runs: each module
 * runs in worker processes of its own, so whatever one does — exit, hang, loop, leave rejections
 * behind, throw when looked at, print — fails the run (exit 1) with its cause named, while the
 * targets beside it are still checked. Each hostile target has a correct twin in the same module
 * that passes, and a wrong layer in the same run is still caught.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunResult } from './json.js';
import { gradprop, gradpropWithReports, lawOf, parseJunit, shapeErrors, verdicts } from './test-support.js';

const scratch = mkdtempSync(join(tmpdir(), 'gradprop-isolation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hostile = (name: string) => `fixtures/cli/hostile/${name}.ts`;
const moduleErrors = (result: RunResult, module: string) => result.moduleErrors.filter((e) => e.module === module);

describe('a module that ends its process', () => {
  test('process.exit(0) at import and in a forward, and a crash in a forward, beside a wrong layer: exit 1, the wrong layer named, each exit and crash reported where it happened', () => {
    const modules = ['exits-at-import', 'exits-in-forward', 'crashes-in-forward'].map(hostile);
    const run = gradpropWithReports(scratch, 'exits', ['check', ...modules, 'examples/layernorm-buggy.ts', '--runs', '10']);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/export layerNormWithoutVarianceGradient: gradientsMatchFiniteDifferences fails: vjp wrong at input 0 at \[\d+, \d+\]/);

    expect(moduleErrors(run.result, hostile('exits-at-import'))).toEqual([
      {
        module: hostile('exits-at-import'),
        kind: 'load',
        message: `${hostile('exits-at-import')} cannot be loaded, so none of its exports were checked: while it was loading, it called process.exit(0) (at ${hostile('exits-at-import')}:6:9)`,
      },
    ]);
    for (const law of ['gradientsMatchFiniteDifferences', 'isPure']) {
      expect(lawOf(run.result, 'exitsInForward', law)).toMatchObject({
        verdict: 'error',
        cases: 0,
        message: `${hostile('exits-in-forward')}, export exitsInForward: ${law}: the target ended its worker process before its first case finished: it called process.exit(0) (at ${hostile('exits-in-forward')}:8:13)`,
      });
      expect(lawOf(run.result, 'crashesInForward', law)).toMatchObject({
        verdict: 'error',
        message: `${hostile('crashes-in-forward')}, export crashesInForward: ${law}: the target ended its worker process before its first case finished: the process was killed by SIGSEGV (a crash)`,
      });
    }
    // The twins in the same modules, without the exit or the crash, are checked and pass.
    expect(verdicts(run.result)).toEqual({ exitsInForward: 'fail', squareBesideExit: 'pass', crashesInForward: 'fail', squareBesideCrash: 'pass', layerNormWithoutVarianceGradient: 'fail' });
    expect(run.testcases.filter((c) => c.error).map((c) => c.name)).toEqual([
      `${hostile('exits-at-import')} (load)`,
      'exitsInForward gradientsMatchFiniteDifferences',
      'exitsInForward isPure',
      'crashesInForward gradientsMatchFiniteDifferences',
      'crashesInForward isPure',
    ]);
  });
});

describe('a module that hangs', () => {
  test('a top-level await that never settles, a forward that never returns and a slow forward are stopped at their limits, say how far they got, and the rest is checked', () => {
    const run = gradpropWithReports(scratch, 'timeouts', ['check', hostile('never-settles'), hostile('loops-forever'), hostile('slow-forward'), 'fixtures/cli/weak-inputs.ts', '--runs', '100', '--timeout', '2', '--load-timeout', '6', '--workers', '4']);
    expect(run.code, run.stdout).toBe(1);
    // the load limit leaves a loaded machine room to start workers and compile the other modules
    expect(moduleErrors(run.result, hostile('never-settles'))).toMatchObject([{ kind: 'load', message: expect.stringMatching(/did not finish loading within 6 s \(--load-timeout\), so none of its exports were checked/) }]);

    for (const law of ['gradientsMatchFiniteDifferences', 'isPure']) {
      const looped = lawOf(run.result, 'loopsForever', law);
      expect(looped).toMatchObject({ verdict: 'timeout', cases: 0, message: `${hostile('loops-forever')}, export loopsForever: ${law} timed out after 2 s (--timeout) before its first case finished` });
      expect(looped.timeMs).toBeGreaterThanOrEqual(2000);
      expect(looped.timeMs).toBeLessThan(2000 + 5000); // killed at the limit, not whenever the run ended
    }
    // Each forward of slowSquare sleeps 50 ms: isPure (two forwards a case) finishes some cases, not all,
    // within the limit, and its message counts them; the gradient law (a dozen forwards a case) fewer.
    for (const law of ['gradientsMatchFiniteDifferences', 'isPure']) {
      const slow = lawOf(run.result, 'slowSquare', law);
      expect(slow.verdict).toBe('timeout');
      expect(slow.cases).toBeLessThan(100);
      const reached = slow.cases === 0 ? 'before its first case finished' : `in case ${slow.cases + 1} of 100, ${slow.cases} passed`;
      expect(slow.message).toBe(`${hostile('slow-forward')}, export slowSquare: ${law} timed out after 2 s (--timeout) ${reached}`);
    }
    expect(lawOf(run.result, 'slowSquare', 'isPure').cases).toBeGreaterThan(0);
    // Beside them, targets at fixed inputs (one case each: the 2 s limit is far off even on a busy machine) pass.
    expect(verdicts(run.result)).toEqual({ loopsForever: 'fail', squareBesideLoop: 'pass', slowSquare: 'fail', squareAtZero: 'pass' });
    expect(run.stdout).toMatch(/^loopsForever +gradientsMatchFiniteDifferences +0 fixed +TIMEOUT/m);
    expect(run.stdout).toMatch(/FAIL — 12 laws on 4 targets: 4 passed, 0 failed, 4 timed out, 4 skipped; 1 module error — /);
  });
});

describe('errors a module leaves behind', () => {
  test('a rejection no one handled and a throwing timer at import are the module’s errors; a rejection left by a forward is its law’s; the twins beside them pass', () => {
    const run = gradpropWithReports(scratch, 'rejections', ['check', hostile('rejects-at-import'), hostile('rejects-in-forward'), '--runs', '10']);
    expect(run.code, run.stdout).toBe(1);
    const atImport = hostile('rejects-at-import');
    expect(run.result.moduleErrors).toEqual([
      { module: atImport, kind: 'async', message: `${atImport} raised a promise rejection no one handled: Error: rejects-at-import: the warm-up request failed (at ${atImport}:4:16)` },
      { module: atImport, kind: 'async', message: `${atImport} raised an uncaught exception: Error: rejects-at-import: the refresh timer threw (at ${atImport}:6:9)` },
    ]);
    for (const law of ['gradientsMatchFiniteDifferences', 'isPure']) {
      expect(lawOf(run.result, 'rejectsInForward', law)).toMatchObject({
        verdict: 'error',
        message: expect.stringContaining(`export rejectsInForward: ${law}: while the law ran, the target raised a promise rejection no one handled: Error: rejects-in-forward: the logging call failed (at ${hostile('rejects-in-forward')}:6:9)`),
      });
    }
    expect(verdicts(run.result)).toEqual({ squareBesideRejection: 'pass', rejectsInForward: 'fail', squareWithoutRejection: 'pass' });
    expect(run.testcases.filter((c) => c.error).map((c) => c.name)).toEqual([
      `${atImport} (error outside its laws)`,
      `${atImport} (error outside its laws)`,
      'rejectsInForward gradientsMatchFiniteDifferences',
      'rejectsInForward isPure',
    ]);
  });
});

describe('exports that throw when looked at', () => {
  test('a throwing getter, a hostile Proxy, a revoked Proxy and a symbol are skipped with what they threw; the correct target passes and the wrong one fails the run', () => {
    const run = gradpropWithReports(scratch, 'exotic', ['check', hostile('exotic-exports')]);
    expect(run.code, run.stdout).toBe(1);
    expect(Object.fromEntries(run.result.skipped.map((s) => [s.export, s.reason]))).toEqual({
      throwingGetter: 'inspecting it threw Error: exotic-exports: this getter refuses',
      hostileProxy: 'inspecting it threw Error: exotic-exports: this proxy refuses every property',
      revokedProxy: "inspecting it threw TypeError: Cannot perform 'get' on a proxy that has been revoked",
      aSymbol: 'a symbol (Symbol(exotic)), not an op made with defineOp, a Differentiable, a model or a spec { target, inputs }',
    });
    expect(verdicts(run.result)).toEqual({ squareBesideExotics: 'pass', squareWithHalfGradient: 'fail' });
    expect(lawOf(run.result, 'squareWithHalfGradient', 'gradientsMatchFiniteDifferences').message).toMatch(/vjp wrong at input 0 at \[\d\]/);
  });
});

describe('reports', () => {
  test('--json - writes parseable JSON to standard output, the table and everything the modules print to standard error', () => {
    const junit = join(scratch, 'chatty.xml');
    const run = gradprop(['check', hostile('chatty'), '--json', '-', '--junit', junit]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(shapeErrors(result)).toEqual([]);
    expect(verdicts(result)).toEqual({ chattySquare: 'pass' });
    expect(run.stderr).toContain('chatty: hello from the top level');
    expect(run.stderr).toContain('chatty: forward was called');
    expect(run.stderr).toMatch(/^chattySquare +isPure +1 fixed +PASS/m);
    expect(run.stderr).toMatch(/^gradprop check: PASS — /m);
    expect(parseJunit(readFileSync(junit, 'utf8')).testcases.map((c) => c.name)).toEqual(['chattySquare gradientsMatchFiniteDifferences', 'chattySquare jvpMatchesVjp', 'chattySquare isPure']);
  });

  test('a report path that names a source file (--json a.ts b.ts, as a shell expands --json *.ts) or an input module, or one path for two reports, exits 2 before anything runs, every file untouched', () => {
    const a = join(scratch, 'a.ts');
    copyFileSync('examples/layernorm.ts', a);
    const before = { text: readFileSync(a, 'utf8'), mtime: statSync(a).mtimeMs };
    const glob = gradprop(['check', '--json', a, 'examples/layernorm.ts']);
    expect(glob).toMatchObject({ code: 2, stdout: '' });
    expect(glob.stderr).toBe(`gradprop: refusing to write the --json report to ${a}: a .ts path is a source file — most likely a module the shell expanded from a glob (--json src/*.ts); give the report a path of its own, e.g. --json reports/gradprop.json\n`);
    expect({ text: readFileSync(a, 'utf8'), mtime: statSync(a).mtimeMs }).toEqual(before);

    const report = join(scratch, 'same.json');
    const twice = gradprop(['check', '--json', report, '--junit', report, 'examples/layernorm.ts']);
    expect(twice).toMatchObject({ code: 2, stderr: `gradprop: --json and --junit both write to ${report}; give each report a path of its own\n` });
    expect(() => statSync(report)).toThrow(/ENOENT/);
  });
});
