/**
 * A failure's paste-ready test, as a user would use it: pasted into a new file beside the failing
 * test, it runs (its imports included) and fails on the same counterexample; its twin, with the
 * correct layer in the buggy one's place, passes. And gradTest, in a vitest run of its own, fails a
 * wrong hand-written layer and passes the right one. Imports gradprop as users do.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import 'gradprop/vitest';
import { layerNormWithoutVarianceGradient } from './layernorm-buggy.js';

const here = import.meta.dirname;

interface VitestResults {
  testResults: { name: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** Runs vitest on files written beside this one (removed afterwards); the status of each test by title. */
function vitest(files: Record<string, string>): Map<string, { status: string; message: string }> {
  const report = join(tmpdir(), `gradprop-paste-ready-${process.pid}-${Date.now()}.json`);
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(here, name), text);
    spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...Object.keys(files).map((f) => `examples/${f}`), '--reporter=json', `--outputFile=${report}`], {
      cwd: join(here, '..'),
      encoding: 'utf8',
    });
    const results = JSON.parse(readFileSync(report, 'utf8')) as VitestResults;
    return new Map(results.testResults.flatMap((r) => r.assertionResults.map((a) => [a.title, { status: a.status, message: a.failureMessages.join('\n') }])));
  } finally {
    for (const path of [...Object.keys(files).map((name) => join(here, name)), report]) rmSync(path, { force: true });
  }
}

function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

test('the paste-ready test runs in a new file and fails the same way; its twin passes', () => {
  const message = failureOf(() => expect(layerNormWithoutVarianceGradient).toHaveCorrectGradients());
  const pasted = message.slice(message.indexOf('\n', message.indexOf('as a test of its own (a new file beside paste-ready.test.ts):')) + 1);
  expect(pasted).toMatch(/^import \{ expect, test \} from 'vitest';\nimport 'gradprop\/vitest';\nimport \{ tensor \} from 'gradprop';\nimport \{ layerNormWithoutVarianceGradient \} from '\.\/layernorm-buggy\.js';\n/);
  const counterexample = /counterexample \(.*\): (.*)/.exec(message)![1]!;
  const twin = pasted
    .replace("import { layerNormWithoutVarianceGradient } from './layernorm-buggy.js';", "import { layerNorm } from './layernorm.js';")
    .replace('expect(layerNormWithoutVarianceGradient)', 'expect(layerNorm)')
    .replace(/test\("[^"]*"/, 'test("the correct twin"');

  const results = vitest({ [`pasted-${process.pid}.test.ts`]: pasted, [`twin-${process.pid}.test.ts`]: twin });
  const failed = results.get('layerNorm (σ treated as constant): shrunk counterexample');
  expect(failed?.status).toBe('failed');
  // The same inputs, written in the pasted test, fail the same entry with the same numbers.
  expect(pasted).toContain(`toHaveCorrectGradients(${counterexample}, { seed: `);
  expect(failed?.message).toContain(message.split('\n')[0]);
  expect(results.get('the correct twin')?.status).toBe('passed');
}, 60_000);

test('gradTest fails a wrong hand-written layer in its own vitest run, and passes the right one', () => {
  const layer = (slope: number) => `{
  x: undefined as Tensor | undefined,
  forward(x: Tensor) { this.x = x; return new Tensor(x.data.map(Math.tanh), x.shape); },
  backward(g: Tensor) { return new Tensor(this.x!.data.map((v, i) => ${slope} * (1 - Math.tanh(v) ** 2) * g.data[i]!), g.shape); },
}`;
  const suite = [
    "import { Tensor } from 'gradprop';",
    "import { tensorOf } from 'gradprop/arbitraries';",
    "import { gradTest } from 'gradprop/vitest';",
    "import fc from 'fast-check';",
    '',
    `gradTest('right layer', ${layer(1)}, fc.tuple(tensorOf([3])));`,
    `gradTest('wrong layer', ${layer(1.01)}, fc.tuple(tensorOf([3])));`,
  ].join('\n');
  const results = vitest({ [`grad-test-${process.pid}.test.ts`]: suite });
  expect(results.get('right layer')?.status).toBe('passed');
  expect(results.get('wrong layer')?.status).toBe('failed');
  expect(results.get('wrong layer')?.message).toMatch(/expected layer to have correct gradients, but vjp wrong at input 0/);
}, 60_000);
