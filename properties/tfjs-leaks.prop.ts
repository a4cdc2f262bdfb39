/**
 * No tensor outlives a check: tf.memory() is the same after 1,000 checks through gradprop/tfjs as
 * before — functions that pass, a custom gradient that fails, a tfjs backward that throws (whose
 * saved tensors tfjs itself would leave behind), int32 inputs, and a tfjs-layers layer. The counts
 * are printed. Runs in `npm run test:tfjs`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, expect, test } from 'vitest';
import { checkGradients } from '../src/check/index.js';
import { type Tensor, randn, tensor } from '../src/tensor/index.js';
import { type TfjsTarget, fromTfLayer, fromTfjs, tfjsReady } from '../src/tfjs/index.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tfjsReady();
});

const CHECKS = 1000;

test(`tf.memory() is the same after ${CHECKS} checks as before`, () => {
  // a custom gradient 10% off: failed by every check (the point here is memory, not how small an error is caught)
  const off = tf.customGrad(((y: tf.Tensor) => ({ value: tf.clone(y), gradFunc: (dy: tf.Tensor) => tf.mul(dy, 1.1) })) as any) as (y: tf.Tensor) => tf.Tensor;
  const dense = fromTfLayer(tfl.layers.dense({ units: 3, inputShape: [4], activation: 'tanh', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }));
  const kinds: [string, TfjsTarget, (seed: number) => Tensor[], string][] = [
    ['passes', fromTfjs((x: tf.Tensor, w: tf.Tensor) => tf.softmax(tf.matMul(x, w))), (s) => [randn([2, 3], s), randn([3, 4], s + 1)], 'pass'],
    ['fails', fromTfjs((x: tf.Tensor) => off(tf.tanh(x))), (s) => [randn([5], s)], 'fail'],
    ['throws in tfjs', fromTfjs(tf.matMul), (s) => [randn([1, 2, 3], s), randn([4, 3, 2], s + 1)], 'error'],
    ['int32 ids', fromTfjs(tf.gather, { dtypes: ['float32', 'int32'] }), (s) => [randn([4, 3], s), tensor([s % 4, 1, 1])], 'pass'],
    ['a layer', dense, (s) => [randn([2, 4], s), ...dense.weights()], 'pass'],
  ];
  const before = tf.memory();
  const verdicts = new Map<string, number>();
  const started = performance.now();
  for (let i = 0; i < CHECKS; i++) {
    const [name, target, inputs] = kinds[i % kinds.length]!;
    const { verdict } = checkGradients(target, inputs(i));
    verdicts.set(`${name}: ${verdict}`, (verdicts.get(`${name}: ${verdict}`) ?? 0) + 1);
  }
  const after = tf.memory();
  console.log(
    `${CHECKS} checks in ${((performance.now() - started) / 1000).toFixed(1)} s — ${[...verdicts].map(([k, n]) => `${k} ×${n}`).join(', ')}; ` +
      `tensors ${before.numTensors} → ${after.numTensors}, bytes ${before.numBytes} → ${after.numBytes}, data buffers ${before.numDataBuffers} → ${after.numDataBuffers}`,
  );
  expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(kinds.map(([name, , , verdict]) => [`${name}: ${verdict}`, CHECKS / kinds.length])));
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes).toBe(before.numBytes);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
});
