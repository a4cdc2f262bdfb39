import { describeValue } from '../autodiff/index.js';
import { type Shape, ShapeError, formatShape, sizeOf } from '../tensor/index.js';

/** An axis in [0, rank), from one that may count from the end (-1 is the last). */
export function normalizeAxis(op: string, axis: number, shape: Shape): number {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, `an axis in [${-rank}, ${rank}) for shape ${formatShape(shape)}`, `axis ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * A row-major tensor seen as [outer, side, inner] around `axis`: element (o, k, j) sits at
 * (o * side + k) * inner + j. With no axis, the whole tensor is one run of `side` values.
 */
export interface AxisView {
  outer: number;
  side: number;
  inner: number;
}

export function viewAround(shape: Shape, axis: number | undefined): AxisView {
  if (axis === undefined) return { outer: 1, side: sizeOf(shape), inner: 1 };
  // products of the sides before and after the axis (no slices: this runs on every reduction and slice)
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, side: shape[axis]!, inner };
}

/** The shape after reducing `axis` (all axes when undefined), keeping it as size 1 or dropping it. */
export function reducedShape(shape: Shape, axis: number | undefined, keepdims: boolean): number[] {
  if (axis === undefined) return keepdims ? shape.map(() => 1) : [];
  return keepdims ? shape.map((side, i) => (i === axis ? 1 : side)) : shape.filter((_, i) => i !== axis);
}

/** An options argument must be an object, or destructuring it fails with a message that names nothing. */
export function expectOptions<T>(op: string, options: T, form: string): T {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: expected options ${form}, got ${describeValue(options)}`);
  return options;
}
