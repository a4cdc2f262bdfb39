/**
 * What the audit knows of one tfjs-core kernel: how a user reaches it (the call), where its
 * gradient is defined (a domain drawing valid inputs and attributes), and what the check must
 * show — a pass, or a known tfjs bug.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Draw, Shape } from '../../src/index.js';
import { Tensor } from '../../src/tensor/index.js';
import type { InputDtype } from '../../src/tfjs/index.js';
import type { KnownBug } from './known-bugs.js';

/** One valid call: tensors (int32 and bool ones as whole numbers) and attributes. */
export interface Call {
  inputs: Tensor[];
  attrs?: any;
}

export interface AuditedOp {
  /** The tfjs kernel this row reaches: the audit asserts (with tf.profile) that the call runs it. */
  kernel: string;
  /**
   * Where the gradient comes from: tfjs's gradient registry (default: `kernel` is the kernel whose
   * registered gradient is checked), or a tf.customGrad inside a tfjs-core function (`kernel` names the function).
   */
  source?: 'registry' | 'customGrad';
  /** What sets this row apart from the kernel's others ('broadcast batch axes'). */
  variant?: string;
  /** The tfjs call, as a user writes it: tensors in, attributes after. */
  call(xs: tf.Tensor[], attrs: any): tf.Tensor;
  /** Draws a valid call: inputs away from the kinks and jumps of the function, attributes that tfjs accepts. */
  sample(draw: Draw): Call;
  /** Input dtypes by position (default float32): int32 and bool inputs are not differentiated. */
  dtypes?: InputDtype[];
  /** The output is int32 or bool, checked as float32. */
  castOutput?: boolean;
  /** The known tfjs bug this row must show; without one every case must pass. */
  bug?: KnownBug;
  /** The kernel's forward is an approximation whose slope is not its gradient (see Approximation). */
  approximate?: Approximation;
}

/**
 * A forward that approximates its function, beside a registered gradient that is the function's
 * exact derivative: the two disagree by the approximation's slope error, which the float32 check
 * resolves at some inputs and fails (tfjs's erf is Abramowitz and Stegun's 7.1.26, good to 1.5e-7,
 * whose slope is 1e-6 to 6e-6 off the derivative 2/√π·e^{−x²} on |x| < 2). Such a failure stands
 * for the approximation, not as a false alarm, when it is confirmed in float64: tfjs's forward is
 * the approximation, its gradient the exact derivative, and the approximation's own slope (central
 * differences) differs from that gradient by more than the check allows for rounding.
 */
export interface Approximation {
  /** What the forward computes instead of the function, in one line. */
  summary: string;
  /** The approximation, in float64, as tfjs computes it. */
  forward64(inputs: Tensor[]): Tensor;
  /** The exact function's vjp for `dy`, in float64: what tfjs's registered gradient computes. */
  gradient64(inputs: Tensor[], dy: Tensor): Tensor[];
}

/** A row's name in the audit's table: the kernel, and its variant. */
export const rowName = (op: AuditedOp) => (op.variant ? `${op.kernel} (${op.variant})` : op.kernel);

const mapped = (t: Tensor, f: (v: number, i: number) => number) => new Tensor(t.data.map(f), t.shape);

/**
 * Values k + f with k a whole number in [-3, 2] and f in [low, high]: for functions that jump at
 * the integers (floor, ceil, round, floorDiv, mod), kept far from them.
 */
export function offIntegers(draw: Draw, shape: Shape, low = 0.2, high = 0.8): Tensor {
  const whole = draw.ids(shape, 6);
  return mapped(draw.tensor(shape, { min: low, max: high }), (f, i) => whole.data[i]! - 3 + f);
}

/**
 * Values near 2k + parity (within 0.3): two tensors of opposite parity never come within 0.4 of
 * each other, so maximum, minimum and comparisons have no tie a finite-difference step could cross.
 */
export function onLattice(draw: Draw, shape: Shape, parity: 0 | 1): Tensor {
  const whole = draw.ids(shape, 3);
  return mapped(draw.tensor(shape, { min: -0.3, max: 0.3 }), (f, i) => 2 * (whole.data[i]! - 1) + parity + f);
}

/** Distinct values 0.3 apart in a random order: reductions and pools that pick a maximum have a clear winner. */
export function distinct(draw: Draw, shape: Shape): Tensor {
  const t = draw.tensor(shape);
  const order = Array.from(t.data.keys()).sort((a, b) => t.data[a]! - t.data[b]! || a - b);
  const rank = new Float64Array(t.size);
  order.forEach((at, r) => (rank[at] = r));
  return mapped(t, (_, i) => 0.3 * (rank[i]! - (t.size - 1) / 2));
}

/**
 * Two shapes of which one is broadcast against the other (a side of 1, or leading axes missing),
 * the broadcast one first when `broadcastFirst`, else either.
 */
export function broadcastPair(draw: Draw, broadcastFirst = draw.boolean()): [number[], number[]] {
  const full = draw.shape({ minRank: 1, minSide: 2, maxSide: 3 });
  const axis = draw.int(0, full.length - 1);
  const short = full.length > 1 && draw.boolean() ? full.slice(axis + 1) : full.map((side, a) => (a === axis ? 1 : side));
  const narrow = short.length === 0 ? [1] : short;
  return broadcastFirst ? [narrow, full] : [full, narrow];
}

/** An axis of a tensor of rank `rank` (≥ 1), negative half of the time as tfjs allows. */
export function axisOf(draw: Draw, rank: number): number {
  const axis = draw.int(0, rank - 1);
  return draw.boolean() ? axis - rank : axis;
}

/** A random permutation of 0…n−1. */
export function permutation(draw: Draw, n: number): number[] {
  const keys = Array.from({ length: n }, () => draw.int(0, 1000));
  return Array.from(keys.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
}
