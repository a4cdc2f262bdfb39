/**
 * A layer from another library, checked as a user would: TensorFlow.js (float32) behind the
 * Differentiable contract, with default options. The checker must read the arithmetic off the
 * output, pass tfjs's correct gradients, and still catch a 1% error.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { Tensor, randn } from '../tensor/index.js';
import { type Differentiable, checkGradients, formatReport } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type TfFunction = (...xs: tf.Tensor[]) => tf.Tensor;

function fromTfjs(name: string, f: TfFunction, scaleGradient = 1): Differentiable {
  const toTf = (x: Tensor) => tf.tensor(Float32Array.from(x.data), [...x.shape], 'float32'); // tfjs takes no Float64Array
  const fromTf = (t: tf.Tensor) => new Tensor(Float64Array.from(t.dataSync()), t.shape);
  /** Runs tfjs code in a tidy scope and copies the results out before they are disposed. */
  const copied = (run: () => tf.Tensor[]): Tensor[] => {
    const results = tf.tidy(run);
    const tensors = results.map(fromTf);
    tf.dispose(results);
    return tensors;
  };
  return {
    name,
    forward: (xs) => copied(() => [f(...xs.map(toTf))])[0]!,
    vjp: (xs, g) => copied(() => tf.grads(f)(xs.map(toTf), toTf(g)).map((t) => tf.mul(t, scaleGradient))),
  };
}

const layers: [string, TfFunction, () => Tensor[]][] = [
  ['tanh', (x) => tf.tanh(x!), () => [randn([3, 4], 1)]],
  ['softmax(x W)', (x, w) => tf.softmax(tf.matMul(x!, w!)), () => [randn([2, 3], 2), randn([3, 4], 3)]],
  ['logSumExp', (x) => tf.logSumExp(x!, 1), () => [randn([3, 5], 4, 3)]],
  ['sigmoid(x)·x', (x) => tf.mul(tf.sigmoid(x!), x!), () => [randn([6], 5, 2)]],
];

describe.each(layers)('tfjs %s', (name, f, inputs) => {
  test.each(['auto', 'full'] as const)('passes with default options (%s mode)', (mode) => {
    const report = checkGradients(fromTfjs(name, f), inputs(), { mode });
    expect(report.verdict, formatReport(report)).toBe('pass');
    expect(report.precision).toBe('float32');
  });

  test('a 1% error in its gradient fails', () => {
    const report = checkGradients(fromTfjs(name, f, 1.01), inputs());
    expect(report.verdict, formatReport(report)).toBe('fail');
  });
});
