import { type Shape, ShapeError, checkShape, formatShape, shapesEqual, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/**
 * A tensor from a number, nested arrays (`[[1, 2], [3, 4]]`), or flat values with a shape
 * (`tensor([1, 2, 3, 4], [2, 2])`).
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: Shape): Tensor {
  if (shape !== undefined) checkShape('tensor', shape);
  if (values instanceof Float64Array || isFlatNumbers(values)) {
    const data = Float64Array.from(values as ArrayLike<number>);
    const target = shape ?? [data.length];
    if (data.length !== sizeOf(target)) {
      throw new ShapeError('tensor', `${sizeOf(target)} values for shape ${formatShape(target)}`, `${data.length} values`);
    }
    return new Tensor(data, target);
  }
  const nestedShape = shapeOfNested(values as NestedArray);
  if (shape !== undefined && !shapesEqual(shape, nestedShape)) {
    throw new ShapeError('tensor', `values of shape ${formatShape(shape)}`, `nested values of shape ${formatShape(nestedShape)}`);
  }
  const data = new Float64Array(sizeOf(nestedShape));
  let offset = 0;
  const fill = (v: NestedArray): void => {
    if (typeof v === 'number') data[offset++] = v;
    else for (const inner of v) fill(inner);
  };
  fill(values as NestedArray);
  return new Tensor(data, nestedShape);
}

function isFlatNumbers(values: unknown): boolean {
  return ArrayBuffer.isView(values) || (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'number'));
}

function shapeOfNested(values: NestedArray): number[] {
  if (typeof values === 'number') return [];
  if (!Array.isArray(values)) {
    throw new ShapeError('tensor', 'a number or nested arrays of numbers', describe(values));
  }
  if (values.length === 0) return [0];
  const inner = shapeOfNested(values[0]!);
  for (const v of values) {
    const s = shapeOfNested(v);
    if (!shapesEqual(s, inner)) {
      throw new ShapeError('tensor', `rectangular nested arrays (every row of shape ${formatShape(inner)})`, `a row of shape ${formatShape(s)}`);
    }
  }
  return [values.length, ...inner];
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value} (${String(value)})`;
}

/** A tensor of this shape with every entry `value`. */
export function full(shape: Shape, value: number): Tensor {
  checkShape('full', shape);
  return new Tensor(new Float64Array(sizeOf(shape)).fill(value), shape);
}

/** A tensor of this shape, all zeros. */
export function zeros(shape: Shape): Tensor {
  return full(shape, 0);
}

/** A tensor of this shape, all ones. */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/** A rank-0 tensor holding `value`. */
export function scalar(value: number): Tensor {
  return new Tensor(Float64Array.of(value), []);
}
