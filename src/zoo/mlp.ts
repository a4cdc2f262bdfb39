/**
 * A multilayer perceptron of any depth and width: the lecture's feed-forward network with
 * neurons side by side. For layers l = 1..n, with h_0 = x (one example per row):
 *
 *   z_l = h_{l−1} W_lᵀ + b_l,   h_l = f(z_l) for hidden layers,   o = z_n (no activation)
 *
 * and the loss is square loss ½‖y − o‖² or cross-entropy −log softmax(o)[y], mean over the batch.
 * W_l is [sizes[l], sizes[l − 1]] (out × in, as in the notes' W x), b_l is [sizes[l]].
 */
import { add, crossEntropy, div, matmul, mul, relu, sigmoid, square, sub, sum, tanh, transpose } from '../ops/index.js';
import { Rng, type Shape, type Tensor, randn, scalar, tensor } from '../tensor/index.js';
import { defineModel } from './define.js';

/** The MLP's hidden nonlinearity. */
export type Activation = 'tanh' | 'relu' | 'sigmoid';

/** The MLP's sizes, activation, loss and batch size. */
export interface MlpConfig {
  /** Layer sizes, inputs first and outputs last (at least two). */
  sizes: number[];
  activation: Activation;
  /** 'square': y is [B, outputs]; 'crossEntropy': y is [B] class ids. */
  loss: 'square' | 'crossEntropy';
  batchSize: number;
}

/** Inputs x `[B, in]` and targets y (values `[B, out]` for the square loss, class ids `[B]` for cross-entropy). */
export interface MlpBatch {
  x: Tensor;
  y: Tensor;
}

const activations: Record<Activation, (z: Tensor) => Tensor> = { tanh, relu, sigmoid };

function layerShapes({ sizes }: MlpConfig): Record<string, Shape> {
  if (sizes.length < 2) throw new RangeError(`mlp: sizes needs at least an input and an output size, got [${sizes.join(', ')}]`);
  const shapes: Record<string, Shape> = {};
  for (let l = 1; l < sizes.length; l++) {
    shapes[`W${l}`] = [sizes[l]!, sizes[l - 1]!];
    shapes[`b${l}`] = [sizes[l]!];
  }
  return shapes;
}

export const mlp = defineModel<MlpBatch, MlpConfig>({
  name: 'mlp',
  defaults: { sizes: [3, 4, 2], activation: 'tanh', loss: 'square', batchSize: 4 },
  paramShapes: layerShapes,
  sampleBatch: (seed, { sizes, loss, batchSize }) => {
    const outputs = sizes[sizes.length - 1]!;
    const x = randn([batchSize, sizes[0]!], seed);
    if (loss === 'square') return { x, y: randn([batchSize, outputs], seed + 1) };
    const rng = new Rng(seed + 1);
    return { x, y: tensor(Array.from({ length: batchSize }, () => rng.int(0, outputs)), [batchSize]) };
  },
  initParam: (_name, shape, seed) => (shape.length === 1 ? randn(shape, seed, 0.1) : randn(shape, seed, 1 / Math.sqrt(shape[1]!))),
  loss: (params, { x, y }, { sizes, activation, loss }) => {
    const layers = sizes.length - 1;
    let h = x;
    for (let l = 1; l <= layers; l++) {
      const z = add(matmul(h, transpose(params[`W${l}`]!)), params[`b${l}`]!);
      h = l < layers ? activations[activation](z) : z;
    }
    if (loss === 'crossEntropy') return crossEntropy(h, y);
    const batch = scalar(x.shape[0]!);
    return div(mul(scalar(0.5), sum(square(sub(y, h)))), batch);
  },
});
