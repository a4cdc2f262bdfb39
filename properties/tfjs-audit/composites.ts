/**
 * tfjs-core functions whose gradient is not a registered one but a tf.customGrad inside tfjs:
 * logSoftmax, the fused ops and the softmax cross-entropy loss. Checked beside the registry because they are the
 * gradients users meet through tfjs-layers (fused ops) and their own training loops (the loss).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Tensor } from '../../src/tensor/index.js';
import type { AuditedOp } from './audited-op.js';
import { KNOWN_BUGS } from './known-bugs.js';

// smooth activations only: relu and leakyrelu kink where a pre-activation crosses 0, which no domain here keeps away from
const ACTIVATIONS = ['linear', 'elu', 'sigmoid'] as const;

/** Rows of probabilities: entries in [0.1, 1], each row divided by its sum. */
function probabilities(t: Tensor): Tensor {
  const classes = t.shape.at(-1)!;
  return new Tensor(
    t.data.map((v, i) => {
      const row = t.data.subarray(i - (i % classes), i - (i % classes) + classes);
      return v / row.reduce((s, x) => s + x, 0);
    }),
    t.shape,
  );
}

export const COMPOSITES: AuditedOp[] = [
  // tfjs's logSoftmax runs along the last axis only
  { kernel: 'logSoftmax', source: 'customGrad', call: ([x]) => tf.logSoftmax(x!), sample: (draw) => ({ inputs: [draw.tensor(draw.shape({ minRank: 1 }))] }) },
  {
    kernel: 'softmaxCrossEntropy',
    source: 'customGrad',
    call: ([labels, logits]) => tf.losses.softmaxCrossEntropy(labels!, logits!),
    sample: (draw) => {
      const shape = [draw.int(1, 3), draw.int(2, 4)];
      return { inputs: [probabilities(draw.tensor(shape, { min: 0.1, max: 1 })), draw.tensor(shape)] };
    },
    bug: KNOWN_BUGS.softmaxCrossEntropyLabels,
  },
  {
    kernel: 'fused.matMul',
    source: 'customGrad',
    call: ([a, b, bias], activation) => tf.fused.matMul({ a: a!, b: b!, bias, activation, leakyreluAlpha: 0.2 }),
    sample: (draw) => {
      const [m, k, n] = [draw.int(1, 3), draw.int(1, 3), draw.int(1, 3)];
      const activation = draw.pick(ACTIVATIONS);
      return { inputs: [draw.tensor([m, k]), draw.tensor([k, n]), draw.tensor([draw.pick([1, n])])], attrs: activation };
    },
  },
  {
    kernel: 'fused.conv2d',
    source: 'customGrad',
    call: ([x, filter, bias], activation) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 1, pad: 'same', bias, activation, leakyreluAlpha: 0.2 }),
    sample: (draw) => {
      const [cin, cout] = [draw.int(1, 2), draw.int(1, 2)];
      return {
        inputs: [draw.tensor([draw.int(1, 2), draw.int(1, 3), draw.int(1, 3), cin]), draw.tensor([draw.int(1, 2), draw.int(1, 2), cin, cout]), draw.tensor([cout])],
        attrs: draw.pick(ACTIVATIONS),
      };
    },
  },
  {
    kernel: 'fused.depthwiseConv2d',
    source: 'customGrad',
    call: ([x, filter, bias], activation) => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 1, pad: 'same', bias, activation, leakyreluAlpha: 0.2 }),
    sample: (draw) => {
      const channels = draw.int(1, 2);
      return {
        inputs: [draw.tensor([draw.int(1, 2), draw.int(1, 3), draw.int(1, 3), channels]), draw.tensor([draw.int(1, 2), draw.int(1, 2), channels, 1]), draw.tensor([channels])],
        attrs: draw.pick(ACTIVATIONS),
      };
    },
  },
];
