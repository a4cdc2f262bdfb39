/**
 * A layer from another library, checked as a user would: TensorFlow.js (float32) behind the
 * Differentiable contract, with default options. The checker must read the arithmetic off the
 * output, pass tfjs's correct gradients, and still catch a 1% error.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { Tensor, randn, uniform } from '../tensor/index.js';
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

describe('bugs in TensorFlow.js 4.22 itself, as a user checking it would meet them', () => {
  test('softmaxCrossEntropy’s gradient with respect to the labels is wrong (the logits’ is right)', () => {
    // rows of labels that sum to 1, as the loss expects
    const raw = uniform([2, 3], 5, 0.1, 1);
    const labels = new Tensor(raw.data.map((v, i) => v / (raw.data[3 * Math.floor(i / 3)]! + raw.data[3 * Math.floor(i / 3) + 1]! + raw.data[3 * Math.floor(i / 3) + 2]!)), raw.shape);
    const report = checkGradients(fromTfjs('softmaxCrossEntropy', (y, z) => tf.losses.softmaxCrossEntropy(y!, z!)), [labels, randn([2, 3], 6)], { mode: 'full' });
    expect(report.verdict, formatReport(report)).toBe('fail');
    const wrongInputs = new Set(report.mismatches.filter((c) => c.verdict === 'fail').map((c) => c.input));
    expect([...wrongInputs]).toEqual([0]);
    // d/dy of −Σ y·log softmax(z) is −log softmax(z): positive; tfjs returns minus the logits' gradient
    expect(report.worst!.numeric).toBeGreaterThan(0);
  });

  test('matMul’s gradient does not sum over broadcast batch axes: the vjp throws, and is named', () => {
    const report = checkGradients(fromTfjs('matMul', (a, b) => tf.matMul(a!, b!)), [randn([1, 2, 3], 1), randn([4, 3, 2], 2)]);
    expect(report).toMatchObject({ verdict: 'error', problem: 'throws' });
    expect(report.message).toMatch(/^matMul: vjp threw Error: Error in gradient for op BatchMatMul\. The gradient of input 'a' has shape '4,2,3', which does not match the shape of the input '1,2,3'/);
  });
});
