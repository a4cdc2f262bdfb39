/**
 * TensorFlow.js checked as a user would: fromTfjs, default options. The checker must read the
 * arithmetic off the output (float32), pass tfjs's correct gradients, and still catch a 1% error
 * in a custom gradient; and it fails tfjs 4.22's own bugs, as the audit records them
 * (properties/tfjs-audit.prop.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkGradients, formatReport } from '../check/index.js';
import { Tensor, randn, uniform } from '../tensor/index.js';
import { fromTfjs, tfjsReady } from './index.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tfjsReady();
});

type TfFunction = (...xs: tf.Tensor[]) => tf.Tensor;

/** `f` with its gradient scaled by `factor`: an identity with a hand-made backward (tf.customGrad) after it, 1% off. */
function scaledGradient(f: TfFunction, factor: number): TfFunction {
  const scaled = tf.customGrad(((y: tf.Tensor) => ({ value: tf.clone(y), gradFunc: (dy: tf.Tensor) => tf.mul(dy, factor) })) as any) as (y: tf.Tensor) => tf.Tensor;
  return (...xs) => scaled(f(...xs));
}

const functions: [string, TfFunction, () => Tensor[]][] = [
  ['tanh', (x) => tf.tanh(x!), () => [randn([3, 4], 1)]],
  ['softmax(x W)', (x, w) => tf.softmax(tf.matMul(x!, w!)), () => [randn([2, 3], 2), randn([3, 4], 3)]],
  ['logSumExp', (x) => tf.logSumExp(x!, 1), () => [randn([3, 5], 4, 3)]],
  ['sigmoid(x)·x', (x) => tf.mul(tf.sigmoid(x!), x!), () => [randn([6], 5, 2)]],
];

describe.each(functions)('tfjs %s', (name, f, inputs) => {
  test.each(['auto', 'full'] as const)('passes with default options (%s mode)', (mode) => {
    const report = checkGradients(fromTfjs(f, { name }), inputs(), { mode });
    expect(report.verdict, formatReport(report)).toBe('pass');
    expect(report.precision).toBe('float32');
  });

  test('its gradient 1% off, through tf.customGrad, fails', () => {
    const report = checkGradients(fromTfjs(scaledGradient(f, 1.01), { name }), inputs());
    expect(report.verdict, formatReport(report)).toBe('fail');
  });
});

describe('bugs in TensorFlow.js 4.22 itself, as a user checking it would meet them', () => {
  test('softmaxCrossEntropy’s gradient with respect to the labels is wrong (the logits’ is right)', () => {
    // rows of labels that sum to 1, as the loss expects
    const raw = uniform([2, 3], 5, 0.1, 1);
    const labels = new Tensor(raw.data.map((v, i) => v / (raw.data[3 * Math.floor(i / 3)]! + raw.data[3 * Math.floor(i / 3) + 1]! + raw.data[3 * Math.floor(i / 3) + 2]!)), raw.shape);
    const report = checkGradients(fromTfjs((y: tf.Tensor, z: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, z)), [labels, randn([2, 3], 6)], { mode: 'full' });
    expect(report.verdict, formatReport(report)).toBe('fail');
    const wrongInputs = new Set(report.mismatches.filter((c) => c.verdict === 'fail').map((c) => c.input));
    expect([...wrongInputs]).toEqual([0]);
    // d/dy of −Σ y·log softmax(z) is −log softmax(z): positive; tfjs returns minus the logits' gradient
    expect(report.worst!.numeric).toBeGreaterThan(0);
  });

  test('matMul’s gradient does not sum over broadcast batch axes: the vjp throws, and the kernel is named', () => {
    const report = checkGradients(fromTfjs(tf.matMul), [randn([1, 2, 3], 1), randn([4, 3, 2], 2)]);
    expect(report).toMatchObject({ ok: false, problem: 'throws' });
    expect(report.message).toMatch(/^matMul: vjp threw TfjsGradientError: TensorFlow.js's gradient for kernel 'BatchMatMul' threw where the forward ran — a bug of TensorFlow.js \(tfjs-core 4\.22\.0, backend 'cpu'\)/);
    expect(report.message).toContain("The gradient of input 'a' has shape '4,2,3', which does not match the shape of the input '1,2,3'");
  });
});
