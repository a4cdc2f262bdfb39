/**
 * The lecture's feed-forward (fixed-window) neural language model, after Bengio et al. (2003):
 * read three words, predict the fourth.
 *
 *   x = [E[c1]; E[c2]; E[c3]]      the context words' embeddings, concatenated   [3d]
 *   h = tanh(W1 x)                 f = tanh                                      [H]
 *   o = softmax(W2 h)              a distribution over the vocabulary            [V]
 *   L = −log o[target]             cross-entropy against the one-hot data distribution,
 *                                  mean over the batch ("students opened their" ⇒ "books")
 *
 * Parameters E [V, d], W1 [H, 3d], W2 [V, H]; biases b1 [H], b2 [V] only with { bias: true }.
 *
 * The backward by hand (the batch is one example per row, so W x is written x Wᵀ):
 *
 *   dL/d(W2 h) = (o − onehot(target)) / B     softmax and cross-entropy together
 *   dL/dW2     = dL/d(W2 h)ᵀ h
 *   dL/dh      = dL/d(W2 h) W2
 *   dL/d(W1 x) = dL/dh ⊙ (1 − h²)               tanh′ from the cached h
 *   dL/dW1     = dL/d(W1 x)ᵀ x,   dL/dx = dL/d(W1 x) W1
 *   dL/dE[w]  += dL/dx_j  for every position j where word w occurs: a scatter-add, so a word
 *                                  used twice in a context (or across the batch) gets both
 */
import { add, crossEntropy, gather, matmul, mul, reshape, softmax, sub, sum, tanh, transpose } from '../ops/index.js';
import { Rng, type Shape, Tensor, ones, tensor, zeros } from '../tensor/index.js';
import { defineModel } from './define.js';
import type { LossAndGrad, Params } from './model.js';

/** The feed-forward language model's vocabulary, embedding and hidden sizes, biases and batch size. */
export interface NplmConfig {
  /** V: words in the vocabulary. */
  vocab: number;
  /** d: the embedding size. */
  dim: number;
  /** H: hidden units. */
  hidden: number;
  /** Adds b1 and b2. */
  bias: boolean;
  batchSize: number;
}

/** Contexts of three word ids and the word that follows each. */
export interface NplmBatch {
  /** [B, 3] word ids: the three words before the target. */
  context: Tensor;
  /** [B] word ids: the word to predict. */
  target: Tensor;
}

/** The window size of the lecture's model. */
export const CONTEXT = 3;

function nplmShapes({ vocab, dim, hidden, bias }: NplmConfig): Record<string, Shape> {
  return {
    E: [vocab, dim],
    W1: [hidden, CONTEXT * dim],
    W2: [vocab, hidden],
    ...(bias ? { b1: [hidden], b2: [vocab] } : {}),
  };
}

/** x = [E[c1]; E[c2]; E[c3]] for each row of the batch: [B, 3d]. */
export function embed(E: Tensor, context: Tensor): Tensor {
  return reshape(gather(E, context), [context.shape[0]!, CONTEXT * E.shape[1]!]);
}

/** h = tanh(W1 x + b1) and the logits W2 h + b2 from the concatenated embeddings x [B, 3d]. */
export function nplmHead({ W1, W2, b1, b2 }: Params, x: Tensor): { h: Tensor; logits: Tensor } {
  const z = matmul(x, transpose(W1!));
  const h = tanh(b1 ? add(z, b1) : z);
  const w2h = matmul(h, transpose(W2!));
  return { h, logits: b2 ? add(w2h, b2) : w2h };
}

/** x, h and the logits for each row of the batch, built from ops (the engine traces this). */
export function nplmForward(params: Params, { context }: NplmBatch): { x: Tensor; h: Tensor; logits: Tensor } {
  const x = embed(params.E!, context);
  return { x, ...nplmHead(params, x) };
}

/** A scatter-add of the rows of dL/dx into the embedding table: dE[c_bj] += dx[b, j]. */
export function scatterAdd(context: Tensor, dx: Tensor, vocab: number): Tensor {
  const d = dx.shape[1]! / CONTEXT;
  const dE = zeros([vocab, d]);
  for (let b = 0; b < context.shape[0]!; b++) {
    for (let j = 0; j < CONTEXT; j++) {
      const word = context.get(b, j);
      for (let k = 0; k < d; k++) dE.data[word * d + k]! += dx.get(b, j * d + k);
    }
  }
  return dE;
}

/** The hand-derived backward; `embeddingGrad` is the last step, a scatter-add (swappable to show why). */
export function nplmManualGrad(params: Params, batch: NplmBatch, embeddingGrad = scatterAdd): LossAndGrad {
  const { W1, W2, b1, b2 } = params;
  const { context, target } = batch;
  const B = context.shape[0]!;
  const V = W2!.shape[0]!;
  const { x, h, logits } = nplmForward(params, batch);
  const o = softmax(logits);
  let loss = 0;
  const dLogits = new Float64Array(o.data); // o − onehot(target), then / B
  for (let b = 0; b < B; b++) {
    const right = b * V + target.data[b]!;
    loss -= Math.log(o.data[right]!);
    dLogits[right]! -= 1;
  }
  for (let i = 0; i < dLogits.length; i++) dLogits[i]! /= B;
  const dW2h = new Tensor(dLogits, o.shape);
  const dh = matmul(dW2h, W2!);
  const dz = mul(dh, sub(ones(h.shape), mul(h, h))); // tanh′ = 1 − h²
  const dx = matmul(dz, W1!);
  const grads: Params = {
    E: embeddingGrad(context, dx, V),
    W1: matmul(transpose(dz), x),
    W2: matmul(transpose(dW2h), h),
  };
  if (b1) grads.b1 = sum(dz, { axis: 0 });
  if (b2) grads.b2 = sum(dW2h, { axis: 0 });
  return { loss: loss / B, grads };
}

export const nplm = defineModel<NplmBatch, NplmConfig>({
  name: 'nplm',
  defaults: { vocab: 8, dim: 3, hidden: 5, bias: false, batchSize: 4 },
  paramShapes: nplmShapes,
  sampleBatch: (seed, { vocab, batchSize }) => {
    const rng = new Rng(seed);
    const word = (): number => rng.int(0, vocab);
    return {
      context: tensor(Array.from({ length: batchSize * CONTEXT }, word), [batchSize, CONTEXT]),
      target: tensor(Array.from({ length: batchSize }, word), [batchSize]),
    };
  },
  loss: (params, batch) => crossEntropy(nplmForward(params, batch).logits, batch.target),
  manualGrad: (params, batch) => nplmManualGrad(params, batch),
});
