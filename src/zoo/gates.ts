import { add, matmul, reshape, slice } from '../ops/index.js';
import type { Tensor } from '../tensor/index.js';

/**
 * W_ih c + b_ih and W_hh h + b_hh for a gated cell, as columns [G·H, 1] (PyTorch's layout: the
 * gates' rows stacked in one weight matrix).
 */
export function affine(W: Tensor, b: Tensor, v: Tensor): Tensor {
  return add(matmul(W, v), reshape(b, [b.size, 1]));
}

/** Rows [k·H, (k + 1)·H) of a stacked column: gate k. */
export function gate(stacked: Tensor, k: number, H: number): Tensor {
  return slice(stacked, { axis: 0, start: k * H, end: (k + 1) * H });
}
