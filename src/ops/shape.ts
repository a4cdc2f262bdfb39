import { type Shape, ShapeError, Tensor, formatShape, sizeOf, stridesOf } from '../tensor/index.js';
import { describeValue } from '../autodiff/index.js';
import { expectOptions, normalizeAxis, viewAround } from './axis.js';
import { sameShape } from './broadcast.js';
import { defineOp } from './define.js';
import type { Draw } from './domain.js';
import { stridedOffsets } from './strided.js';
import { floats } from './floats.js';

/** Axes reordered: output axis i is input axis axes[i]. Without axes, all axes reversed (NumPy). */
export function permute(op: string, x: Tensor, axes: readonly number[] | undefined): Tensor {
  const perm = axes === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : checkPermutation(op, axes, x.shape);
  if (perm.every((axis, i) => axis === i)) return new Tensor(x.data, x.shape);
  if (perm.every((axis, i) => axis === (i < x.rank - 2 ? i : 2 * x.rank - 3 - i))) return swapLast(x);
  const strides = stridesOf(x.shape);
  const offsets = stridedOffsets(
    perm.map((axis) => x.shape[axis]!),
    perm.map((axis) => strides[axis]!),
  );
  const out = floats(offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = x.data[offsets[i]!]!;
  return new Tensor(out, perm.map((axis) => x.shape[axis]!));
}

function checkPermutation(op: string, axes: readonly number[], shape: Shape): number[] {
  const rank = shape.length;
  const perm = Array.isArray(axes) ? axes.map((axis) => (Number.isInteger(axis) && axis < 0 ? axis + rank : axis)) : [];
  const valid = perm.length === rank && perm.every((axis, i) => Number.isInteger(axis) && axis >= 0 && axis < rank && perm.indexOf(axis) === i);
  if (!valid) throw new ShapeError(op, `axes that are a permutation of 0..${rank - 1} for shape ${formatShape(shape)}`, `axes ${describeValue(axes)}${Array.isArray(axes) ? ` [${axes.join(', ')}]` : ''}`);
  return perm;
}

function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, i) => (inverse[axis] = i));
  return inverse;
}

/** The last two axes swapped: the transpose of every matrix in a batch. */
export function swapLast(x: Tensor): Tensor {
  if (x.rank < 2) return new Tensor(x.data, x.shape);
  const rows = x.shape[x.rank - 2]!;
  const cols = x.shape[x.rank - 1]!;
  const out = floats(x.size);
  for (let at = 0; at < x.size; at += rows * cols) transposeMatrix(x.data, out, at, rows, cols);
  return new Tensor(out, x.rank === 2 ? [cols, rows] : [...x.shape.slice(0, -2), cols, rows]);
}

/**
 * The rows × cols matrix at `at` of src, transposed into the same place of dst. Tiles of 16 × 16:
 * a plain loop would write each value to another cache line.
 */
function transposeMatrix(src: Float64Array, dst: Float64Array, at: number, rows: number, cols: number): void {
  const tile = 16;
  for (let i0 = 0; i0 < rows; i0 += tile) {
    const iEnd = Math.min(i0 + tile, rows);
    for (let j0 = 0; j0 < cols; j0 += tile) {
      const jEnd = Math.min(j0 + tile, cols);
      for (let i = i0; i < iEnd; i++) {
        for (let j = j0; j < jEnd; j++) dst[at + j * rows + i] = src[at + i * cols + j]!;
      }
    }
  }
}

function drawPermutation(draw: Draw, rank: number): number[] {
  // Shrinks towards the identity: each swap partner shrinks towards the axis itself.
  const perm = Array.from({ length: rank }, (_, i) => i);
  for (let i = 0; i + 1 < rank; i++) {
    const j = draw.int(i, rank - 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm;
}

/** Permutes the axes: reverses them by default, or puts axis `axes[i]` at position i. */
export const transpose = defineOp({
  name: 'transpose',
  arity: 1,
  args: (x: Tensor, axes?: readonly number[]) => [[x], { axes }] as const,
  forward: ([x], { axes }) => permute('transpose', x, axes),
  vjp: ([x], _y, g, { axes }): Tensor[] => [transpose.apply([g], { axes: axes === undefined ? undefined : inversePermutation(checkPermutation('transpose', axes, x.shape)) })],
  jvp: (_x, _y, [t], attrs): Tensor => transpose.apply([t], attrs),
  domain: {
    sample: (draw) => {
      const x = draw.tensor(draw.shape());
      return { inputs: [x], attrs: { axes: draw.boolean() ? undefined : drawPermutation(draw, x.rank) } };
    },
  },
});

/** The target shape with a -1 (at most one) resolved so that the size is unchanged. */
function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || !shape.every((side) => Number.isInteger(side) && side >= -1)) throw badShape(x, shape);
  const free = shape.indexOf(-1);
  if (free !== shape.lastIndexOf(-1)) throw badShape(x, shape);
  const known = sizeOf(shape.filter((side) => side !== -1));
  const resolved = [...shape];
  if (free >= 0) {
    // x.size % 0 is NaN: a zero side beside the free one is refused here too
    if (x.size % known !== 0) throw badShape(x, shape);
    resolved[free] = x.size / known;
  }
  if (sizeOf(resolved) !== x.size) throw badShape(x, shape);
  return resolved;
}

function badShape(x: Tensor, shape: readonly number[]): ShapeError {
  const got = Array.isArray(shape) ? formatShape(shape) : describeValue(shape);
  return new ShapeError('reshape', `a shape of ${x.size} elements (sides ≥ 0, at most one -1) for input of shape ${formatShape(x.shape)}`, `shape ${got}`);
}

/** The same entries in row-major order under another shape (one side may be -1: whatever is left). */
export const reshape = defineOp({
  name: 'reshape',
  arity: 1,
  args: (x: Tensor, shape: readonly number[]) => [[x], { shape }] as const,
  // Row-major order is unchanged, so the data is shared, not copied.
  forward: ([x], { shape }) => new Tensor(x.data, resolveShape(x, shape)),
  vjp: ([x], _y, g): Tensor[] => [reshape.apply([g], { shape: x.shape })],
  jvp: (_x, y, [t]): Tensor => reshape.apply([t], { shape: y.shape }),
  domain: {
    sample: (draw) => {
      const x = draw.tensor(draw.shape());
      return { inputs: [x], attrs: { shape: drawFactoring(draw, x.size) } };
    },
  },
});

/** A shape of `size` elements: repeatedly split off a divisor, sometimes leaving one side as -1. */
function drawFactoring(draw: Draw, size: number): number[] {
  const shape: number[] = [];
  let rest = size;
  while (shape.length < 3 && draw.boolean()) {
    const divisors = Array.from({ length: rest }, (_, i) => i + 1).filter((d) => rest % d === 0);
    const side = draw.pick(divisors.length > 0 ? divisors : [1]);
    shape.push(side);
    rest /= side;
  }
  shape.push(rest);
  if (draw.boolean()) shape[draw.int(0, shape.length - 1)] = -1;
  return size === 0 ? shape.map((side) => (side === -1 ? 0 : side)) : shape;
}

/** Which part of an axis slice keeps: `start` up to `end` along `axis`. */
export interface SliceOptions {
  axis: number;
  start: number;
  /** Exclusive; the end of the axis when omitted. */
  end?: number;
}

interface SliceRange {
  axis: number;
  start: number;
  end: number;
}

function sliceRange(x: Tensor, options: SliceOptions): SliceRange {
  const axis = normalizeAxis('slice', options.axis, x.shape);
  const side = x.shape[axis]!;
  const { start, end = side } = options;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > side) {
    throw new ShapeError('slice', `0 ≤ start ≤ end ≤ ${side} along axis ${axis} of shape ${formatShape(x.shape)}`, `start ${start}, end ${end}`);
  }
  return { axis, start, end };
}

/** Copies between a tensor and the [start, end) block of `whole` along axis; `toWhole` picks the direction. */
function copyBlock(whole: Float64Array, wholeShape: Shape, { axis, start, end }: SliceRange, part: Float64Array, toWhole: boolean): void {
  const { outer, side, inner } = viewAround(wholeShape, axis);
  const run = (end - start) * inner;
  for (let o = 0; o < outer; o++) {
    const from = (o * side + start) * inner;
    if (toWhole) whole.set(part.subarray(o * run, (o + 1) * run), from);
    else part.set(whole.subarray(from, from + run), o * run);
  }
}

function sliceOf(x: Tensor, range: SliceRange): Tensor {
  const shape = x.shape.map((side, i) => (i === range.axis ? range.end - range.start : side));
  if (sameShape(shape, x.shape)) return new Tensor(x.data, shape);
  const out = floats(sizeOf(shape));
  copyBlock(x.data, x.shape, range, out, false);
  return new Tensor(out, shape);
}

/** A contiguous range of one axis: `slice(x, { axis, start, end })`. */
export const slice = defineOp({
  name: 'slice',
  arity: 1,
  args: (x: Tensor, options: SliceOptions) => [[x], expectOptions('slice', options, '{ axis, start, end? }')] as const,
  forward: ([x], options) => sliceOf(x, sliceRange(x, options)),
  vjp: ([x], _y, g, options): Tensor[] => {
    const { axis, start, end } = sliceRange(x, options);
    return [pad.apply([g], { axis, before: start, after: x.shape[axis]! - end })];
  },
  jvp: (_x, _y, [t], options): Tensor => slice.apply([t], options),
  domain: {
    sample: (draw) => {
      const x = draw.tensor(draw.shape({ minRank: 1, minSide: 1 }));
      const axis = draw.int(0, x.rank - 1);
      const side = x.shape[axis]!;
      const start = draw.int(0, side - 1);
      return { inputs: [x], attrs: { axis, start, end: draw.int(start + 1, side) } };
    },
  },
});

/** How many zeros pad puts before and after x along one axis. */
export interface PadOptions {
  axis: number;
  /** Zeros before and after x along the axis. */
  before: number;
  after: number;
}

function padding(x: Tensor, options: PadOptions): PadOptions {
  const axis = normalizeAxis('pad', options.axis, x.shape);
  const { before, after } = options;
  if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
    throw new ShapeError('pad', 'whole numbers of zeros before and after, ≥ 0', `before ${before}, after ${after}`);
  }
  return { axis, before, after };
}

/** x with zeros before and after it along one axis: the adjoint of slice. */
export const pad = defineOp({
  name: 'pad',
  arity: 1,
  args: (x: Tensor, options: PadOptions) => [[x], expectOptions('pad', options, '{ axis, before, after }')] as const,
  forward: ([x], options) => {
    const { axis, before, after } = padding(x, options);
    const shape = x.shape.map((side, i) => (i === axis ? before + side + after : side));
    const out = floats(sizeOf(shape));
    copyBlock(out, shape, { axis, start: before, end: before + x.shape[axis]! }, x.data, true);
    return new Tensor(out, shape);
  },
  vjp: ([x], _y, g, options): Tensor[] => {
    const { axis, before } = padding(x, options);
    return [slice.apply([g], { axis, start: before, end: before + x.shape[axis]! })];
  },
  jvp: (_x, _y, [t], options): Tensor => pad.apply([t], options),
  domain: {
    sample: (draw) => {
      const x = draw.tensor(draw.shape({ minRank: 1 }));
      const axis = draw.int(-x.rank, x.rank - 1);
      return { inputs: [x], attrs: { axis, before: draw.int(0, 2), after: draw.int(0, 2) } };
    },
  },
});

function concatAxis(inputs: readonly Tensor[], axis: number): number {
  const first = inputs[0];
  if (first === undefined) throw new ShapeError('concat', 'at least one tensor', 'none');
  const resolved = normalizeAxis('concat', axis, first.shape);
  const agree = inputs.every((t) => t.rank === first.rank && t.shape.every((side, i) => i === resolved || side === first.shape[i]));
  if (!agree) {
    throw new ShapeError('concat', `tensors of equal rank whose sides agree except along axis ${resolved}`, inputs.map((t) => formatShape(t.shape)).join(', '));
  }
  return resolved;
}

/** Joined along axis; each input's range along it, in order. */
function join(inputs: readonly Tensor[], axisOption: number): Tensor {
  const axis = concatAxis(inputs, axisOption);
  if (inputs.length === 1) return new Tensor(inputs[0]!.data, inputs[0]!.shape);
  const shape = [...inputs[0]!.shape];
  shape[axis] = inputs.reduce((total, t) => total + t.shape[axis]!, 0);
  const out = floats(sizeOf(shape));
  let start = 0;
  for (const t of inputs) {
    const end = start + t.shape[axis]!;
    copyBlock(out, shape, { axis, start, end }, t.data, true);
    start = end;
  }
  return new Tensor(out, shape);
}

/** Joins tensors along an axis (0 by default); the other sides must agree. */
export const concat = defineOp({
  name: 'concat',
  args: (tensors: readonly Tensor[], axis: number = 0) => [tensors, { axis }] as const,
  forward: (inputs, { axis }) => join(inputs, axis),
  vjp: (inputs, _y, g, { axis }): Tensor[] => {
    const resolved = concatAxis(inputs, axis);
    let start = 0;
    return inputs.map((t) => {
      const end = start + t.shape[resolved]!;
      const part = slice.apply([g], { axis: resolved, start, end });
      start = end;
      return part;
    });
  },
  jvp: (_inputs, _y, tangents, attrs): Tensor => concat.apply(tangents, attrs),
  domain: {
    sample: (draw) => {
      const base = draw.shape({ minRank: 1 });
      const axis = draw.int(0, base.length - 1);
      const count = draw.int(1, 3);
      const inputs = Array.from({ length: count }, () => {
        const shape = [...base];
        shape[axis] = draw.int(1, Math.max(1, base[axis]!));
        return draw.tensor(shape);
      });
      return { inputs, attrs: { axis: draw.boolean() ? axis : axis - base.length } };
    },
  },
});
