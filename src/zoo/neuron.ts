/**
 * The lecture's "simple example": two tanh units in a chain, square loss.
 *
 *   b = w1·x,  h = tanh(b),  a = w2·h,  o = tanh(a),  L = ½(y − o)²   (mean over the batch)
 *
 * and its backward by the chain rule, caching h and o from the forward pass:
 *
 *   dL/dw2 = dL/do · do/da · da/dw2                 = −(y − o)(1 − o²)h
 *   dL/dw1 = dL/do · do/da · da/dh · dh/db · db/dw1 = −(y − o)(1 − o²)w2(1 − h²)x
 */
import { mean, mul, square, sub, tanh } from '../ops/index.js';
import { type Tensor, randn, scalar, uniform } from '../tensor/index.js';
import { defineModel } from './define.js';

/** The tanh neuron chain's batch size. */
export interface NeuronConfig {
  batchSize: number;
}

/** B scalar examples: inputs x and targets y (in (−1, 1), the range of o). */
export interface NeuronBatch {
  x: Tensor;
  y: Tensor;
}

const half = scalar(0.5);

export const neuron = defineModel<NeuronBatch, NeuronConfig>({
  name: 'neuron',
  defaults: { batchSize: 4 },
  paramShapes: () => ({ w1: [], w2: [] }),
  initParam: (_name, shape, seed) => randn(shape, seed),
  sampleBatch: (seed, { batchSize }) => ({
    x: uniform([batchSize], seed, -2, 2),
    y: uniform([batchSize], seed + 1, -0.9, 0.9),
  }),
  loss: ({ w1, w2 }, { x, y }) => {
    const b = mul(w1!, x);
    const h = tanh(b);
    const a = mul(w2!, h);
    const o = tanh(a);
    return mean(mul(half, square(sub(y, o))));
  },
  manualGrad: ({ w1, w2 }, { x, y }) => {
    const W1 = w1!.item();
    const W2 = w2!.item();
    const B = x.size;
    let loss = 0;
    let dw1 = 0;
    let dw2 = 0;
    for (let i = 0; i < B; i++) {
      const h = Math.tanh(W1 * x.data[i]!); // cached for the backward
      const o = Math.tanh(W2 * h);
      const yi = y.data[i]!;
      loss += 0.5 * (yi - o) ** 2;
      const dLda = -(yi - o) * (1 - o * o); // dL/do · do/da, shared by both gradients
      dw2 += dLda * h;
      dw1 += dLda * W2 * (1 - h * h) * x.data[i]!;
    }
    return { loss: loss / B, grads: { w1: scalar(dw1 / B), w2: scalar(dw2 / B) } };
  },
});
