/**
 * The gradprop command driven as a user drives it: `node bin/gradprop.js …` in a subprocess, for
 * every exit code and every output format. Each passing run has a failing twin (the buggy layer,
 * a model with a broken backward, modules that cannot load).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { allOps } from '../ops/index.js';
import { zoo } from '../zoo/index.js';
import { type RunResult, withoutTimings } from './json.js';
import { gradprop, gradpropWithReports as withReports, lawOf as law, parseJunit, root, shapeErrors, verdicts } from './test-support.js';

const scratch = mkdtempSync(join(tmpdir(), 'gradprop-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const gradpropWithReports = (name: string, args: string[]) => withReports(scratch, name, args);

/** The table without its time column (its heading too: right-aligned, it moves with the widest time) and the run's duration. */
const untimed = (table: string) => table.replace(/ +(?:[\d.]+ m?s|time)$/gm, '').replace(/ — [\d.]+ m?s, seed/, ' — seed');

describe('gradprop verify', () => {
  test('checks every registered op and every zoo model with its laws, exits 0, and reports the same in the table, JSON and JUnit, on one worker or several', () => {
    const run = gradpropWithReports('verify', ['verify', '--runs', '3', '--workers', '2']);
    expect(run.code, run.stderr).toBe(0);
    const ids = run.result.targets.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([...allOps().map((op) => `ops/${op.name}`), ...Object.keys(zoo).map((name) => `zoo/${name}`)]));
    for (const model of Object.values(zoo)) {
      const laws = run.result.targets.find((t) => t.id === `zoo/${model.name}`)!.laws.map((l) => l.law);
      expect(laws).toContain('sgdStepDescends');
      if ('step' in model) expect(laws).toContain('bpttSumsOverTimeSteps');
      if (model.manualGrad) expect(ids).toContain(`zoo/${model.name}.manualGrad`);
    }
    const rows = run.result.targets.flatMap((t) => t.laws);
    expect(rows.every((l) => l.verdict === 'pass')).toBe(true);
    expect(law(run.result, 'ops/tanh', 'gradientsMatchFiniteDifferences').worst?.relError).toBeLessThan(1e-6);

    expect(run.stdout).toMatch(/^target +law +cases +verdict +worst rel err +evaluations f\/vjp\/jvp +time$/m);
    expect(run.stdout).toMatch(/^zoo\/elman +bpttSumsOverTimeSteps +3 +PASS/m);
    expect(run.stdout).not.toMatch(/\x1b\[/); // not a terminal: no colour codes
    expect(run.stderr).toBe(''); // nor progress

    expect(Number(run.totals.tests)).toBe(rows.length);
    expect(run.testcases.some((c) => c.failure || c.error)).toBe(false);

    // One worker: the same results in the same order, apart from timings, in every output.
    const serial = gradpropWithReports('verify-serial', ['verify', '--runs', '3', '--workers', '1']);
    expect(withoutTimings(serial.result)).toEqual(withoutTimings(run.result));
    expect(untimed(serial.stdout)).toBe(untimed(run.stdout));
    expect(serial.testcases.map((c) => c.name)).toEqual(run.testcases.map((c) => c.name));
  });
});

describe('gradprop check', () => {
  test('the examples pass with exit 0: an op made with defineOp, and plain Differentiables checked through their specs', () => {
    const run = gradprop(['check', 'examples/layernorm.ts', 'examples/swish.ts', 'fixtures/cli/weak-inputs.ts', 'examples/softplus-buggy.ts', '--runs', '20']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^layerNorm +gradientsMatchFiniteDifferences +20 +PASS/m);
    expect(run.stdout).toMatch(/^swishSpec +jvpMatchesVjp +20 +PASS/m);
    expect(run.stdout).toMatch(/^gradprop check .*: 4 targets, 12 laws, seed \d+, 20 cases per law \(1 at fixed inputs\), auto mode$/m);
    // A spec's fixed tensors: every case would be the same, so each law runs once, and the table says so.
    expect(run.stdout).toMatch(/^squareAtZero +gradientsMatchFiniteDifferences +1 fixed +PASS/m);
    expect(run.stdout).toMatch(/^squareAtZero +isPure +1 fixed +PASS/m);
    expect(run.stdout).toContain('examples/swish.ts, export swish: checked through the spec swishSpec');
    // right at first order, wrong at second: --order 1 (the default) cannot see it
    expect(run.stdout).toMatch(/^softplusWithSlip +gradientsMatchFiniteDifferences +20 +PASS/m);
    expect(run.stdout).toMatch(/^gradprop check: PASS — 12 laws on 4 targets: 11 passed, 0 failed, 1 skipped; 5 exports skipped — [\d.]+ m?s, seed \d+$/m);
  });

  test('the buggy twin, and a model with a broken backward, fail with exit 1 naming the wrong entry, in the table, JSON and JUnit; the printed replay command reproduces it', () => {
    const run = gradpropWithReports('buggy', ['check', 'examples/layernorm-buggy.ts', 'fixtures/cli/models.ts', '--runs', '20']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/export layerNormWithoutVarianceGradient: gradientsMatchFiniteDifferences fails: vjp wrong at input 0 at \[\d+, \d+\]/);

    const failed = law(run.result, 'layerNormWithoutVarianceGradient', 'gradientsMatchFiniteDifferences');
    expect(failed).toMatchObject({ verdict: 'fail', worst: { input: 0, quantity: 'vjp', verdict: 'fail' } });
    expect(failed.path).toMatch(/^\d+(:\d+)*$/);
    expect(failed.test).toMatch(/expect\(layerNormWithoutVarianceGradient\)\.toHaveCorrectGradients\(\[tensor\(/);
    expect(law(run.result, 'layerNormWithoutVarianceGradient', 'isPure').verdict).toBe('pass');

    const junitFailure = run.testcases.find((c) => c.name === 'layerNormWithoutVarianceGradient gradientsMatchFiniteDifferences')!.failure!;
    expect(junitFailure.message).toBe(failed.message);
    expect(junitFailure['#text']).toContain('gradcheck layerNorm (σ treated as constant): FAIL');
    expect(junitFailure['#text']).toContain(`replay: ${failed.replay}`);
    expect(run.testcases.find((c) => c.name === 'layerNormWithoutVarianceGradient isPure')!.failure).toBeUndefined();

    // Models in the same run: the one whose hand-written backward forgets w2's gradient fails, alone.
    expect(verdicts(run.result)).toEqual({ layerNormWithoutVarianceGradient: 'fail', neuron: 'pass', 'neuron.manualGrad': 'pass', neuronForgetsW2: 'pass', 'neuronForgetsW2.manualGrad': 'fail' });
    expect(law(run.result, 'neuronForgetsW2.manualGrad', 'gradientsMatchFiniteDifferences').worst).toMatchObject({ input: 1, verdict: 'fail' });

    // The replay line is a shell command: run it as printed (with the local bin for npx gradprop).
    const replay = spawnSync('sh', ['-c', failed.replay!.replace(/^npx gradprop/, `"${process.execPath}" bin/gradprop.js`)], { cwd: root, encoding: 'utf8' });
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain(`counterexample (after 1 case, shrunk 0 times): ${failed.counterexample}`);
    expect(replay.stdout).toMatch(/1 target,/);
  });

  test('--order 2: the op right at first order and wrong at second fails, naming second order and the entry; its correct twin and the models pass; the replay reproduces it', () => {
    const run = gradpropWithReports('order2', ['check', 'examples/softplus-buggy.ts', 'examples/softplus.ts', 'fixtures/cli/models.ts', '--order', '2', '--runs', '10']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/10 cases per law, auto mode, order 2/);
    expect(run.stdout).toMatch(/export softplusWithSlip: gradientsMatchFiniteDifferences fails: second order \(the vjp as a function of the inputs and the cotangent, which is input 1\): (vjp|jvp) wrong at input 0 at \[/);
    const failed = law(run.result, 'softplusWithSlip', 'gradientsMatchFiniteDifferences');
    expect(failed).toMatchObject({ verdict: 'fail', order: 2, worst: { input: 0, verdict: 'fail' } });
    expect(failed.replay).toMatch(/ --order 2$/);
    const junit = run.testcases.find((c) => c.name === 'softplusWithSlip gradientsMatchFiniteDifferences');
    expect(junit?.failure?.message).toMatch(/gradientsMatchFiniteDifferences fails: second order \(/);
    // which order each gradient check speaks for: the second where there is a second-order rule, else the first; none for other laws
    expect(law(run.result, 'softplus', 'gradientsMatchFiniteDifferences').order).toBe(2);
    expect(law(run.result, 'neuron.manualGrad', 'gradientsMatchFiniteDifferences').order).toBe(1);
    expect(law(run.result, 'softplus', 'isPure').order).toBeNull();
    expect(failed.test).toMatch(/toHaveCorrectGradients\(\[tensor\(.*\)\], \{ seed: \d+, order: 2 \}\)/);
    expect(run.result.options.order).toBe(2);
    // the engine's models pass at order 2; a hand-written backward has no second-order rule and is checked at first order
    const verdicts = Object.fromEntries(run.result.targets.map((t) => [t.id, t.verdict]));
    expect(verdicts).toMatchObject({ softplusWithSlip: 'fail', softplus: 'pass', neuron: 'pass', 'neuron.manualGrad': 'pass', 'neuronForgetsW2.manualGrad': 'fail' });

    const replay = spawnSync('sh', ['-c', failed.replay!.replace(/^npx gradprop/, `"${process.execPath}" bin/gradprop.js`)], { cwd: root, encoding: 'utf8' });
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain(`counterexample (after 1 case, shrunk 0 times): ${failed.counterexample}`);
  });

  test('modules that cannot load, and exports that cannot be checked, each get a paragraph naming them; the rest still run; exit 1', () => {
    const tsSyntaxError = join(scratch, 'syntax-error.ts'); // a .ts file in fixtures/ would break tsc
    writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }');
    writeFileSync(tsSyntaxError, 'export const layer = { name: "layer",, };\n');
    const modules = ['fixtures/cli/broken-targets.ts', 'fixtures/cli/throws-on-import.ts', 'fixtures/cli/syntax-error.js', tsSyntaxError];
    const run = gradpropWithReports('broken', ['check', ...modules, '--runs', '10']);
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out).toContain('fixtures/cli/throws-on-import.ts cannot be loaded, so none of its exports were checked: importing it threw Error: throws-on-import: the lookup table needs two rows (at fixtures/cli/throws-on-import.ts:5:');
    expect(out).toMatch(/fixtures\/cli\/syntax-error\.js cannot be loaded, .*: a syntax error \(Unexpected token ',' at fixtures\/cli\/syntax-error\.js:5\)/);
    expect(out).toMatch(/syntax-error\.ts cannot be loaded, .*: a syntax error \(.*syntax-error\.ts:1:\d+: ERROR: /);
    expect(out).toContain("fixtures/cli/broken-targets.ts, export lonely is a Differentiable ('lonely') with no inputs to check it at and no domain");
    expect(out).toContain('fixtures/cli/broken-targets.ts, export badSpec is a spec whose inputs are a number (3)');
    // checkGradients' own words for a list that is not all tensors, with its hint.
    expect(out).toContain('fixtures/cli/broken-targets.ts, export nestedInputs is a spec whose inputs must be an array of Tensors; input 0 is an array of length 1 (make it one with tensor(...))');
    expect(out).toMatch(/export forwardThrows: isPure fails: the target threw RangeError: this layer is not finished \(at fixtures\/cli\/broken-targets\.ts:\d+:\d+\)/);
    expect(out).toContain('export halfDifferentiable: an object with keys name, forward: not a Differentiable, which needs name, forward and vjp (missing vjp)');
    expect(out).not.toMatch(/^\s+at /m); // no stack traces
    expect(out).toMatch(/^gradprop check: FAIL — 15 laws on 8 targets: 7 passed, 0 failed, 1 inconclusive, 2 errors, 5 skipped; 3 targets could not be checked; 3 module errors; 3 exports skipped — /m);

    expect(run.result.moduleErrors.map((e) => [e.module, e.kind])).toEqual(modules.slice(1).map((m) => [m, 'load']));
    expect(verdicts(run.result)).toEqual({ badSpec: 'error', fastSineAtTensors: 'inconclusive', forwardThrows: 'fail', lonely: 'error', nestedInputs: 'error', squareAtArbitrary: 'pass', squareAtTensors: 'pass', squareLayer: 'pass' });
    expect(law(run.result, 'forwardThrows', 'gradientsMatchFiniteDifferences').verdict).toBe('error');
    // a check that cannot tell is no pass: INCONCLUSIVE in the table, a JUnit failure, the report's words
    expect(out).toMatch(/^fastSineAtTensors +gradientsMatchFiniteDifferences +1 fixed +INCONCLUSIVE /m);
    expect(law(run.result, 'fastSineAtTensors', 'gradientsMatchFiniteDifferences')).toMatchObject({ verdict: 'inconclusive', worst: { verdict: 'inconclusive' } });
    expect(out).toMatch(/export fastSineAtTensors: gradientsMatchFiniteDifferences is inconclusive: cannot tell whether the derivatives are right — inconclusive at input 0/);
    expect(run.testcases.filter((c) => c.failure).map((c) => c.name)).toEqual(['fastSineAtTensors gradientsMatchFiniteDifferences']);
    expect(law(run.result, 'squareAtTensors', 'jvpMatchesVjp')).toMatchObject({ verdict: 'skipped', message: 'the target has no jvp' });
    expect(run.result.skipped.map((s) => s.export)).toEqual(['bareLayer', 'halfDifferentiable', 'helper']);
    expect(out).toContain('export bareLayer: an instance of Square: a layer with forward and backward, and no inputs to check it at — export a spec { target: <this layer>, inputs }');

    expect(run.testcases.filter((c) => c.error).map((c) => c.name)).toEqual([
      ...modules.slice(1).map((m) => `${m} (load)`),
      'badSpec',
      'forwardThrows gradientsMatchFiniteDifferences',
      'forwardThrows isPure',
      'lonely',
      'nestedInputs',
    ]);
    expect(run.testcases.find((c) => c.name === 'fixtures/cli/broken-targets.ts, export helper')?.skipped?.message).toBe('a function (helper), not an op made with defineOp');
  });
});

describe('gradprop check --power', () => {
  test('reports each target\'s power; a test blind to planted bugs fails the run, though every law passed without --power', () => {
    const run = gradpropWithReports('power', ['check', '--power', 'examples/layernorm.ts', 'fixtures/cli/weak-inputs.ts', '--runs', '20']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.result.targets.flatMap((t) => t.laws).every((l) => l.verdict !== 'fail' && l.verdict !== 'error')).toBe(true);
    expect(run.result.power.map((p) => [p.id, p.ok])).toEqual([['layerNorm', true], ['squareAtZero', false]]);
    expect(run.stdout).toContain('power of the gradient test of layerNorm: STRONG');
    expect(run.stdout).toMatch(/power of the gradient test of square: WEAK[\s\S]*flip sign \(one gradient entry with its sign flipped\) goes unnoticed/);
    expect(run.stdout).toMatch(/power: 1 weak test — /); // without --power the same module passes: see the examples' test
  });
});

describe('usage', () => {
  test("bad use exits 2 before anything runs: an unknown flag with the usage text, a module that is not there (parseCli's own tests cover each bad option)", () => {
    const bad = gradprop(['verify', '--runz', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^gradprop: Unknown option '--runz'[\s\S]*Usage:\n  gradprop \[verify\] \[options\]/);
    expect(bad.stdout).toBe('');
    const missing = gradprop(['check', 'examples/layernorm.ts', 'fixtures/cli/missing.ts', 'fixtures/cli']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`gradprop: fixtures/cli/missing.ts: no such file (looked for ${join(root, 'fixtures/cli/missing.ts')})\nfixtures/cli is a directory; pass module files, e.g. gradprop check fixtures/cli/*.ts\n`);
  });

  test('--version prints the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(gradprop(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
