/** The audit's reductions and scans: along all axes, one, or several, with and without keepDims. */
import * as tf from '@tensorflow/tfjs-core';
import type { Draw, Shape } from '../../src/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { type AuditedOp, axisOf, distinct, permutation } from './audited-op.js';
import { KNOWN_BUGS } from './known-bugs.js';

/**
 * No axis (all of them), one axis, or a set of distinct axes, some counted from the end (-1 the
 * last) — or, `signs` 'non-negative' or 'negative', only such axes (and at least one).
 */
function axes(draw: Draw, rank: number, signs: 'any' | 'non-negative' | 'negative' = 'any'): number | number[] | undefined {
  if (rank === 0) return undefined;
  const kind = draw.pick(signs === 'negative' ? (['one', 'several'] as const) : (['all', 'one', 'several'] as const));
  if (kind === 'all') return undefined;
  const chosen = kind === 'one' ? [draw.int(0, rank - 1)] : permutation(draw, rank).slice(0, draw.int(1, rank));
  const signed = chosen.map((axis) => (signs === 'negative' || (signs === 'any' && draw.boolean()) ? axis - rank : axis));
  return kind === 'one' ? signed[0] : signed;
}

/** A kernel reached by `op(x, axis, keepDims)`; values drawn by `values` (default: any). */
function reduction(
  kernel: string,
  op: (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor,
  values?: (draw: Draw, shape: Shape) => Tensor,
  signs: Parameters<typeof axes>[2] = 'any',
): AuditedOp {
  return {
    kernel,
    call: ([x], { axis, keepDims }) => op(x!, axis, keepDims),
    sample: (draw) => {
      const shape = draw.shape({ minRank: signs === 'negative' ? 1 : 0 });
      return { inputs: [values ? values(draw, shape) : draw.tensor(shape)], attrs: { axis: axes(draw, shape.length, signs), keepDims: draw.boolean() } };
    },
  };
}

/** Away from 0 (where a product's gradient loses its cancellations) and not so large that a product of 64 overflows. */
const factors = (draw: Draw, shape: Shape) => draw.tensor(shape, { min: -1.5, max: 1.5, avoid: [0] });

/** A kernel along one axis, `op(x, axis)`, on distinct values (argMax and argMin have a clear winner). */
function alongAxis(kernel: string, op: (x: tf.Tensor, axis: number) => tf.Tensor, more: Partial<AuditedOp> = {}): AuditedOp {
  return {
    kernel,
    call: ([x], axis) => op(x!, axis),
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      return { inputs: [distinct(draw, shape)], attrs: axisOf(draw, shape.length) };
    },
    ...more,
  };
}

export const REDUCTIONS: AuditedOp[] = [
  reduction('Sum', tf.sum),
  reduction('Mean', tf.mean),
  reduction('Max', tf.max, distinct),
  reduction('Min', tf.min, distinct),
  { ...reduction('Prod', tf.prod, factors, 'non-negative'), variant: 'non-negative axes' },
  { ...reduction('Prod', tf.prod, factors, 'negative'), variant: 'a negative axis', bug: KNOWN_BUGS.prodNegativeAxis },
  alongAxis('ArgMax', tf.argMax, { castOutput: true }),
  alongAxis('ArgMin', tf.argMin, { castOutput: true }),
  // tfjs's softmax and logSoftmax run along the last axis only
  { kernel: 'Softmax', call: ([x]) => tf.softmax(x!), sample: (draw) => ({ inputs: [draw.tensor(draw.shape({ minRank: 1 }))] }) },
  ...(['last axis', 'another axis'] as const).map(
    (variant): AuditedOp => ({
      kernel: 'Cumsum',
      variant,
      call: ([x], { axis, exclusive, reverse }) => tf.cumsum(x!, axis, exclusive, reverse),
      sample: (draw) => {
        const shape = draw.shape({ minRank: variant === 'last axis' ? 1 : 2 });
        const axis = variant === 'last axis' ? shape.length - 1 : draw.int(0, shape.length - 2);
        // a side unlike the last: the transposed gradient of another axis cannot pass for the right shape
        if (axis !== shape.length - 1 && shape[axis] === shape.at(-1)) shape[axis] = shape[axis]! + 1;
        return { inputs: [draw.tensor(shape)], attrs: { axis, exclusive: draw.boolean(), reverse: draw.boolean() } };
      },
      ...(variant === 'another axis' ? { bug: KNOWN_BUGS.cumsumAxis } : {}),
    }),
  ),
];
