import { type Shape, sizeOf } from '../tensor/index.js';
import { ints } from './floats.js';

/**
 * For each element of `shape` in row-major order, its offset in a buffer laid out with `strides`
 * (one per axis, 0 to repeat along an axis). Broadcasting and transposing are both this one walk
 * with different strides.
 */
export function stridedOffsets(shape: Shape, strides: readonly number[]): Int32Array {
  const rank = shape.length;
  const offsets = ints(sizeOf(shape));
  // The last axis is a run of evenly spaced offsets; the outer axes turn like an odometer, once per run.
  // A scalar is one run of one element.
  const run = shape[rank - 1] ?? 1;
  const step = strides[rank - 1] ?? 0;
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < offsets.length; i += run) {
    for (let j = 0; j < run; j++) offsets[i + j] = offset + j * step;
    for (let axis = rank - 2; axis >= 0; axis--) {
      offset += strides[axis]!;
      if (++counter[axis]! < shape[axis]!) break;
      offset -= strides[axis]! * shape[axis]!;
      counter[axis] = 0;
    }
  }
  return offsets;
}
