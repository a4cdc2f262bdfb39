/**
 * tfjs's import pitfalls, in fresh Node processes as a user's program meets them: tfjs-core and its
 * CPU backend alone register no gradient (so nothing differentiates) and no chained op; gradprop/
 * tfjs's tfjsReady() registers both, keeps a gradient registered before it, and leaves a setup that
 * has them alone; a check before it says what to do.
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

describe('tfjsReady', () => {
  test('the broken twin: without it, tfjs-core has no gradient and no chained op, and a check says what to do', () => {
    const out = run(`${SETUP}
      const { fromTfjs } = await import('./src/tfjs/index.ts');
      const { checkGradients, tensor } = await import('./src/index.ts');
      console.log(gradient(), chained());
      console.log(checkGradients(fromTfjs(tf.tanh), [tensor([0.5])]).message);`);
    expect(out).toBe(
      'threw: Cannot compute gradient: gradient function not found for Tanh. undefined\n' +
        "tanh: vjp threw TfjsGradientError: TensorFlow.js has no gradient registered for kernel 'Tanh': tfjs-core registers none by itself — await tfjsReady() (from gradprop/tfjs) once before checking, which registers them, or import '@tensorflow/tfjs'" +
        ' — a vjp that throws is a bug of the target: the check counts as failed (ok = false)',
    );
  });

  test('registers tfjs-core’s gradients and chained ops', () => {
    const out = run(`${SETUP}
      const { registeredGradients, registrationState, tfjsReady } = await import('./src/tfjs/index.ts');
      await tfjsReady();
      console.log(gradient(), chained(), registeredGradients().length, registrationState());`);
    expect(out).toBe('1 function 101 loaded here');
  });

  test('a gradient you registered before it is kept', () => {
    const out = run(`${SETUP}
      tf.registerGradient({ kernelName: 'Tanh', gradFunc: (dy) => ({ x: () => tf.mul(dy, 7) }) });
      await (await import('./src/tfjs/index.ts')).tfjsReady();
      console.log(gradient(), attempt(() => tf.grad((x) => tf.exp(x))(tf.tensor([0])).dataSync()));`);
    expect(out).toBe('7 1');
  });

  test('gradients registered already (the umbrella @tensorflow/tfjs, tfjs-node) are left alone: only the chained ops are added', () => {
    const out = run(`${SETUP}
      tf.registerGradient({ kernelName: 'Add', gradFunc: (dy) => ({ a: () => dy, b: () => dy }) });
      const { registeredGradients, registrationState, tfjsReady } = await import('./src/tfjs/index.ts');
      await tfjsReady();
      console.log(registeredGradients().join(','), chained(), registrationState());`);
    expect(out).toBe('Add function found registered');
  });
});
