import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkGradients, formatReport } from '../check/index.js';
import { gradientsMatchFiniteDifferences } from '../laws/index.js';
import { randn, tensor } from '../tensor/index.js';
import { type TfLayer, fromTfLayer, tfjsReady } from './index.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tfjsReady();
});

const values = (layer: tfl.layers.Layer) => layer.getWeights().map((w) => Array.from(w.dataSync()));

describe('fromTfLayer', () => {
  test('a Dense layer: checked w.r.t. its input, kernel and bias, named by class and name', () => {
    const dense = tfl.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', name: 'hidden' });
    const target = fromTfLayer(dense);
    expect(target.name).toBe('Dense hidden');
    expect(target.weightNames).toEqual(['hidden/kernel', 'hidden/bias']);
    const weights = target.weights();
    expect(weights.map((w) => w.shape)).toEqual([[3, 4], [4]]);
    const report = checkGradients(target, [randn([2, 3], 1), ...weights], { mode: 'full' });
    expect(report.verdict, formatReport(report)).toBe('pass');
  });

  test('the check leaves the layer as it was: its weights and, in training, its moving statistics', () => {
    const norm = tfl.layers.batchNormalization({ inputShape: [3] });
    const target = fromTfLayer(norm, { training: true });
    const before = values(norm);
    const report = checkGradients(target, [randn([4, 3], 1), randn([3], 2), randn([3], 3)]);
    expect(report.verdict, formatReport(report)).toBe('pass');
    expect(values(norm)).toEqual(before);
  });

  test('training or inference, as asked: batch normalisation normalises by the batch only in training', () => {
    const norm = tfl.layers.batchNormalization({ inputShape: [2] });
    const x = randn([3, 2], 1);
    const [inference, training] = [false, true].map((mode) => fromTfLayer(norm, { training: mode }).forward([x, ...fromTfLayer(norm).weights()]));
    // moving mean 0 and variance 1: inference is x/√(1 + ε); training has each column's mean 0
    expect(inference!.data[0]).toBeCloseTo(x.data[0]! / Math.sqrt(1.001), 5);
    expect(training!.data[0]! + training!.data[2]! + training!.data[4]!).toBeCloseTo(0, 5);
  });

  test('an LSTM over time, with its recurrent kernel', () => {
    const lstm = tfl.layers.lstm({ units: 3, inputShape: [null, 2] });
    const target = fromTfLayer(lstm);
    expect(target.weightNames).toEqual([expect.stringMatching(/kernel$/), expect.stringMatching(/recurrent_kernel$/), expect.stringMatching(/bias$/)]);
    const report = checkGradients(target, [randn([2, 4, 2], 1), ...target.weights()]);
    expect(report.verdict, formatReport(report)).toBe('pass');
  });

  test('an Embedding: its ids are int32 and not differentiated, its table is', () => {
    const embedding = tfl.layers.embedding({ inputDim: 5, outputDim: 3 });
    const target = fromTfLayer(embedding, { inputShape: [4], dtypes: ['int32'] });
    expect(target.nondifferentiable).toEqual([0]);
    const report = checkGradients(target, [tensor([[0, 4, 4, 1]]), ...target.weights()]);
    expect(report.verdict, formatReport(report)).toBe('pass');
  });

  test('a layer of two inputs, and a whole model', () => {
    const add = fromTfLayer(tfl.layers.multiply(), { inputShape: [[3], [3]] });
    expect(checkGradients(add, [randn([2, 3], 1), randn([2, 3], 2)]).verdict).toBe('pass');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'sigmoid' }), tfl.layers.dense({ units: 1 })] });
    const target = fromTfLayer(model);
    expect(target.weightNames).toHaveLength(4);
    expect(checkGradients(target, [randn([2, 2], 1), ...target.weights()]).verdict).toBe('pass');
  });

  test('its default domain draws inputs and weights: the law holds over generated cases', () => {
    const target = fromTfLayer(tfl.layers.dense({ units: 2, inputShape: [3], activation: 'sigmoid' }));
    expect(target.domain).toBeDefined();
    fc.assert(gradientsMatchFiniteDifferences(target), { numRuns: 10 });
  });

  test('the broken twin: a Dense layer whose kernel’s gradient is wrong (a tf.customGrad inside call) fails at the kernel', () => {
    class LeakyDense extends tfl.layers.Layer {
      static className = 'LeakyDense';
      private kernel!: tfl.LayerVariable;
      override build(inputShape: tfl.Shape | tfl.Shape[]): void {
        this.kernel = this.addWeight('kernel', [(inputShape as number[])[1]!, 2], 'float32', tfl.initializers.glorotNormal({ seed: 1 }));
        this.built = true;
      }
      override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
        return [(inputShape as tfl.Shape)[0]!, 2];
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        const matMul = tf.customGrad(((x: tf.Tensor, w: tf.Tensor) => ({
          value: tf.matMul(x, w),
          // dW forgets the transpose's sum over the batch: it uses the first row of x only
          gradFunc: (dy: tf.Tensor) => [tf.matMul(dy, w, false, true), tf.matMul(tf.slice(x, [0, 0], [1, -1]), tf.slice(dy, [0, 0], [1, -1]), true, false)],
        })) as any) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;
        return matMul(Array.isArray(inputs) ? inputs[0]! : inputs, this.kernel.read());
      }
    }
    const target = fromTfLayer(new LeakyDense({}), { inputShape: [3] });
    const report = checkGradients(target, [randn([3, 3], 1), ...target.weights()]);
    expect(report.verdict, formatReport(report)).toBe('fail');
    expect(new Set(report.mismatches.filter((c) => c.verdict === 'fail' && c.input !== null).map((c) => c.input))).toEqual(new Set([1]));
  });
});

describe('fromTfLayer: what it cannot check, said', () => {
  test('a layer that is not built and has no input shape', () => {
    expect(() => fromTfLayer(tfl.layers.dense({ units: 2 }))).toThrow('the layer is not built and its input shape is unknown — pass { inputShape } (without the batch axis, e.g. [3])');
  });

  test('something that is not a layer', () => {
    expect(() => fromTfLayer({} as TfLayer)).toThrow('fromTfLayer: expected a tfjs-layers Layer (or LayersModel), got an object (Object)');
  });

  test('inputs without the weights after them', () => {
    const target = fromTfLayer(tfl.layers.dense({ units: 2, inputShape: [3] }));
    const report = checkGradients(target, [randn([2, 3], 1)]);
    expect(report.message).toMatch(/the check's inputs are the layer's input\(s\) and then its 2 trainable weights \(.*kernel, .*bias\), but 1 were given/);
  });

  test('a layer returning several tensors (an RNN with returnState)', () => {
    const gru = fromTfLayer(tfl.layers.gru({ units: 2, inputShape: [3, 2], returnState: true }));
    const report = checkGradients(gru, [randn([1, 3, 2], 1), ...gru.weights()]);
    expect(report.message).toContain('must return one tf.Tensor, but returned an array of 2 values');
  });

  test('memory: the weights stay and nothing else does', () => {
    const dense = tfl.layers.dense({ units: 2, inputShape: [3] });
    const target = fromTfLayer(dense);
    const before = tf.memory().numTensors;
    for (let seed = 0; seed < 10; seed++) checkGradients(target, [randn([2, 3], seed), ...target.weights()]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

