/** The sides of a tensor, outermost first; [] for a scalar. */
export type Shape = readonly number[];

/** A shape problem, always naming the operation, what it expected and what it received. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly op: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`${op}: expected ${expected}, got ${received}`);
  }
}

/** A shape as messages write it: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The number of entries of a tensor of this shape. */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const side of shape) size *= side;
  return size;
}

/** Whether two shapes have the same sides. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides: the last axis is contiguous. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/** Throws a ShapeError naming `op` unless the shape is a list of non-negative integers. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) throw new ShapeError(op, 'a shape of non-negative integers', JSON.stringify(shape));
  for (let i = 0; i < shape.length; i++) {
    const side = shape[i];
    if (!Number.isSafeInteger(side) || side! < 0) throw new ShapeError(op, 'a shape of non-negative integers', JSON.stringify(shape));
  }
}

/** The multi-index of a row-major flat offset. */
export function unravelIndex(offset: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const side = shape[axis]!;
    index[axis] = offset % side;
    offset = Math.floor(offset / side);
  }
  return index;
}

/** The row-major flat offset of a multi-index, with bounds checked. */
export function ravelIndex(op: string, index: readonly number[], shape: Shape): number {
  if (index.length !== shape.length) {
    throw new ShapeError(op, `an index of ${shape.length} coordinates for shape ${formatShape(shape)}`, `[${index.join(', ')}]`);
  }
  let offset = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    const i = index[axis]!;
    const side = shape[axis]!;
    if (!Number.isInteger(i) || i < 0 || i >= side) {
      throw new ShapeError(op, `an index within shape ${formatShape(shape)}`, `[${index.join(', ')}]`);
    }
    offset = offset * side + i;
  }
  return offset;
}
