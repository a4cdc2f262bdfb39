/**
 * tfjs's import pitfalls, in fresh Node processes as a user's program meets them: tfjs-core and its
 * CPU backend alone register no gradient (so nothing differentiates) and no chained op; importing
 * gradprop/tfjs registers both, keeps a gradient registered before it, and leaves a setup that
 * has them alone.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

/** Runs an ES module program under Node (TypeScript through tsx) and returns what it printed. */
function run(program: string): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`the program failed (${result.status}):\n${result.stderr}`);
  return result.stdout.trim();
}

const SETUP = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
tf.enableProdMode();
await tf.setBackend('cpu');
const attempt = (f) => { try { return String(f()); } catch (error) { return 'threw: ' + error.message; } };
const gradient = () => attempt(() => tf.grad((x) => tf.tanh(x))(tf.tensor([0])).dataSync());
const chained = () => typeof tf.tensor([1]).reshape;
`;

describe('importing gradprop/tfjs', () => {
  test('the broken twin: without it, tfjs-core has no gradient and no chained op', () => {
    expect(run(`${SETUP} console.log(gradient(), chained());`)).toBe('threw: Cannot compute gradient: gradient function not found for Tanh. undefined');
  });

  test('registers tfjs-core’s gradients and chained ops', () => {
    const out = run(`${SETUP}
      const { registeredGradients } = await import('./src/tfjs/index.ts');
      console.log(gradient(), chained(), registeredGradients().length);`);
    expect(out).toBe('1 function 101');
  });

  test('a gradient you registered before it is kept', () => {
    const out = run(`${SETUP}
      tf.registerGradient({ kernelName: 'Tanh', gradFunc: (dy) => ({ x: () => tf.mul(dy, 7) }) });
      await import('./src/tfjs/index.ts');
      console.log(gradient(), attempt(() => tf.grad((x) => tf.exp(x))(tf.tensor([0])).dataSync()));`);
    expect(out).toBe('7 1');
  });

  test('gradients registered already (the umbrella @tensorflow/tfjs, tfjs-node) are left alone: only the chained ops are added', () => {
    const out = run(`${SETUP}
      tf.registerGradient({ kernelName: 'Add', gradFunc: (dy) => ({ a: () => dy, b: () => dy }) });
      const { registeredGradients } = await import('./src/tfjs/index.ts');
      console.log(registeredGradients().join(','), chained());`);
    expect(out).toBe('Add function');
  });
});
