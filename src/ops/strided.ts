import { type Shape, sizeOf } from '../tensor/index.js';

/**
 * For each element of `shape` in row-major order, its offset in a buffer laid out with `strides`
 * (one per axis, 0 to repeat along an axis) starting at `base`. Broadcasting, transposing and
 * slicing are all this one walk with different strides.
 */
export function stridedOffsets(shape: Shape, strides: readonly number[], base = 0): Int32Array {
  const rank = shape.length;
  const offsets = new Int32Array(sizeOf(shape));
  const counter = new Array<number>(rank).fill(0);
  let offset = base;
  for (let i = 0; i < offsets.length; i++) {
    offsets[i] = offset;
    for (let axis = rank - 1; axis >= 0; axis--) {
      offset += strides[axis]!;
      if (++counter[axis]! < shape[axis]!) break;
      offset -= strides[axis]! * shape[axis]!;
      counter[axis] = 0;
    }
  }
  return offsets;
}
