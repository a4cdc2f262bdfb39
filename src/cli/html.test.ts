/**
 * --html, driven as a user drives it: `node bin/gradprop.js … --html FILE` in a subprocess. The
 * page is read with a real HTML parser; what the browser makes of it is tested by
 * test/browser (npm run test:browser).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, describe, expect, test } from 'vitest';
import { unravelIndex } from '../tensor/index.js';
import { curvedModels, curvesOf } from './curves.js';
import type { RunResult } from './json.js';
import { select } from './targets.js';
import { shapeErrors } from './test-support.js';
import { verifyTargets } from './verify.js';

const root = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'gradprop-html-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function withReports(name: string, args: string[]) {
  const html = join(scratch, name, 'report.html'); // a folder that does not exist yet, as in CI
  const json = join(scratch, `${name}.json`);
  const run = spawnSync(process.execPath, ['bin/gradprop.js', ...args, '--html', html, '--json', json], { cwd: root, encoding: 'utf8' });
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  expect(shapeErrors(result)).toEqual([]);
  return { code: run.status, stderr: run.stderr, result, document: parseHTML(readFileSync(html, 'utf8')).document };
}

describe('gradprop check --html', () => {
  test("the buggy layer's page marks the wrong entry the law found in its heatmap, draws the step-size curve at it, and shows the replay command", () => {
    const run = withReports('buggy', ['check', 'examples/layernorm-buggy.ts', '--runs', '20']);
    expect(run.code, run.stderr).toBe(1);
    const failed = run.result.targets[0]!.laws.find((l) => l.law === 'gradientsMatchFiniteDifferences')!;
    const { diagnostics, worst } = failed;
    expect(diagnostics?.steps).toMatchObject({ input: worst!.input, index: worst!.index, comparison: { verdict: 'fail' } });
    const map = diagnostics!.inputs.find((m) => m.input === worst!.input)!;
    const wrong = map.verdict.flatMap((v, i) => (v === 'fail' ? [unravelIndex(map.start + i, map.shape).join(', ')] : []));
    expect(wrong).toContain(worst!.index.join(', '));

    const heatmap = run.document.querySelector(`figure.heatmap[data-input="${worst!.input}"]`)!;
    const titles = [...heatmap.querySelectorAll('title')].map((t) => t.textContent ?? '');
    expect(titles).toContainEqual(expect.stringMatching(new RegExp(`^x₀\\[${worst!.index.join(', ')}\\]: WRONG`)));
    expect(heatmap.querySelectorAll('.gp-marked rect')).toHaveLength(3 * wrong.length);
    expect(run.document.querySelector('figure.steps svg.gp-plot')).not.toBeNull();
    expect([...run.document.querySelectorAll('.replay pre')].map((p) => p.textContent)).toContain(failed.replay);
  });

  test('broken twin: the correct layer passes, with no failure, no diagnostics and no heatmap', () => {
    const run = withReports('correct', ['check', 'examples/layernorm.ts', '--runs', '20']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.targets.flatMap((t) => t.laws).map((l) => l.diagnostics)).toEqual([null, null, null]);
    expect(run.document.querySelector('figure.heatmap')).toBeNull();
    expect(run.document.querySelector('.verdict')!.textContent).toBe('PASS');
  });
});

describe('gradprop check --order 2 --html', () => {
  test('the page says the run checked order 2 and that the failure is of the second order, with no first-order pictures; a first-order failure in the same run says first order', () => {
    const run = withReports('order2', ['check', 'examples/softplus-buggy.ts', 'examples/layernorm-buggy.ts', '--order', '2', '--runs', '10']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.document.querySelector('.meta')!.textContent).toMatch(/ · order 2 · /);
    const heading = (id: string) => run.document.querySelector(`article[data-id="${id}"] section.law h4 small`)!.textContent;
    expect(heading('softplusWithSlip')).toMatch(/^second order · after \d+ cases?/);
    expect(run.document.querySelector('article[data-id="softplusWithSlip"] section.law .message')!.textContent).toMatch(/: second order \(/);
    expect(run.document.querySelectorAll('article[data-id="softplusWithSlip"] figure.heatmap')).toHaveLength(0);
    // layerNorm's rules are raw loops (higherOrder: false); its buggy twin is wrong at first order already
    expect(heading('layerNormWithoutVarianceGradient')).toMatch(/^first order · /);
  });
});

describe('gradprop verify --html', () => {
  test("the zoo models' loss curves and, for the recurrent ones, the gradient over time steps", () => {
    const run = withReports('zoo', ['verify', '--filter', '^zoo/', '--runs', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.curves.map((c) => [c.id, c.training.map((t) => t.backward), c.stateGradients?.bound ? 'bound' : c.stateGradients ? 'norms' : null])).toEqual([
      ['zoo/neuron', ['engine', 'manualGrad'], null],
      ['zoo/mlp', ['engine'], null],
      ['zoo/nplm', ['engine', 'manualGrad'], null],
      ['zoo/elman', ['engine', 'manualGrad'], 'bound'],
      ['zoo/lstm', ['engine'], 'norms'],
      ['zoo/gru', ['engine'], 'norms'],
    ]);
    expect(run.document.querySelectorAll('#models ~ .models figure.loss svg.gp-plot')).toHaveLength(6);
    expect(run.document.querySelectorAll('#models ~ .models figure.norms svg.gp-plot')).toHaveLength(3);
  });

  test('broken twin: a selection without a model has no curves (and one with a manualGrad target alone has its model\'s)', () => {
    const targets = verifyTargets();
    expect(curvedModels(select(targets, { filter: '^ops/tanh$' }))).toEqual([]);
    expect(curvedModels(select(targets, { filter: '^zoo/elman.manualGrad$' }))).toEqual(['elman']);
  });

  test('a worker asked for the curves of a model the zoo does not have says which it has', () => {
    expect(() => curvesOf('transformer', 1)).toThrow(/no zoo model is named transformer \(the zoo has neuron, .*gru\)/);
    expect(curvesOf('neuron', 1)).toMatchObject({ id: 'zoo/neuron' });
  });
});
