import type { ShapeSpec } from '../ops/domain.js';
import { type Shape, Tensor, sizeOf } from '../tensor/index.js';

/**
 * How a shape gets smaller while a tensor keeps the values it still has: one axis cut down to
 * `length` entries from `start`, and then removed when `squeeze` (length 1).
 */
export interface Crop {
  axis: number;
  start: number;
  length: number;
  squeeze: boolean;
}

/** Every crop a spec allows, biggest cuts first: remove an axis (keeping any one slice), then shorten one. */
export function* cropsOf(shape: Shape, spec: Required<ShapeSpec>): Generator<Crop> {
  if (shape.length > spec.minRank) {
    for (const [axis, side] of shape.entries()) {
      for (let start = 0; start < side; start++) yield { axis, start, length: 1, squeeze: true };
    }
  }
  for (const [axis, side] of shape.entries()) {
    for (const length of new Set([spec.minSide, Math.floor(side / 2), side - 1])) {
      if (length < spec.minSide || length >= side) continue;
      for (const start of new Set([0, side - length])) yield { axis, start, length, squeeze: false };
    }
  }
}

export function cropShape(shape: Shape, { axis, length, squeeze }: Crop): number[] {
  return squeeze ? shape.toSpliced(axis, 1) : shape.with(axis, length);
}

export function cropTensor(t: Tensor, crop: Crop): Tensor {
  const { axis, start, length } = crop;
  const side = t.shape[axis]!;
  const inner = sizeOf(t.shape.slice(axis + 1));
  const outer = sizeOf(t.shape.slice(0, axis));
  const data = new Float64Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    const from = (o * side + start) * inner;
    data.set(t.data.subarray(from, from + length * inner), o * length * inner);
  }
  return new Tensor(data, cropShape(t.shape, crop));
}
