/**
 * fromTfjs and fromTfLayer on whichever backend is active: here TensorFlow.js's WebAssembly
 * backend, whose kernels are not the CPU backend's (the forward and every backward kernel run in
 * wasm); the checks, their verdicts and the memory discipline are the same.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkGradients, formatReport } from '../check/index.js';
import { randn } from '../tensor/index.js';
import { fromTfLayer, fromTfjs, tfjsReady } from './index.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('wasm');
  await tfjsReady();
});

describe('on the wasm backend', () => {
  test('the check runs there', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  test('a correct function passes and its twin with a 1%-off custom gradient fails', () => {
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.tanh(tf.matMul(x, w));
    const off = tf.customGrad(((y: tf.Tensor) => ({ value: tf.clone(y), gradFunc: (dy: tf.Tensor) => tf.mul(dy, 1.01) })) as any) as (y: tf.Tensor) => tf.Tensor;
    const inputs = [randn([2, 3], 1), randn([3, 4], 2)];
    const right = checkGradients(fromTfjs(f), inputs);
    expect(right.verdict, formatReport(right)).toBe('pass');
    expect(right.precision).toBe('float32');
    expect(checkGradients(fromTfjs((x: tf.Tensor, w: tf.Tensor) => off(f(x, w))), inputs).verdict).toBe('fail');
  });

  test('a tfjs-layers layer, and no tensor left behind', () => {
    const dense = fromTfLayer(tfl.layers.dense({ units: 2, inputShape: [3], activation: 'tanh' }));
    const before = tf.memory().numTensors;
    const report = checkGradients(dense, [randn([2, 3], 1), ...dense.weights()]);
    expect(report.verdict, formatReport(report)).toBe('pass');
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a backward kernel the backend lacks is named as such', () => {
    const conv = fromTfLayer(tfl.layers.conv2d({ filters: 1, kernelSize: 2, inputShape: [3, 3, 1] }));
    const report = checkGradients(conv, [randn([1, 3, 3, 1], 1), ...conv.weights()]);
    expect(report.message).toContain("vjp threw TfjsGradientError: TensorFlow.js's wasm backend has no kernel 'Conv2DBackpropFilter', which the backward pass needs: check on a backend that has it, such as 'cpu'");
  });
});
