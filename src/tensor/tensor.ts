import { type Shape, ShapeError, checkShape, formatShape, ravelIndex, sizeOf } from './shape.js';

/** A number, or nested arrays of numbers: a tensor's entries as JavaScript arrays. */
export type NestedArray = number | readonly NestedArray[];

/**
 * An n-dimensional array of float64 values in row-major order. A Tensor is a value: gradprop never
 * writes to `data` after construction, and neither should you — the checker verifies it.
 */
export class Tensor {
  readonly shape: Shape;
  readonly size: number;

  constructor(
    readonly data: Float64Array,
    shape: Shape,
  ) {
    checkShape('Tensor', shape);
    // A copy, so the caller's array can change without changing the tensor; not frozen, because
    // V8 is slow on frozen arrays and every op reads shapes (2× on the lecture's tiny models).
    this.shape = [...shape];
    this.size = sizeOf(shape);
    if (data.length !== this.size) {
      throw new ShapeError('Tensor', `${this.size} values for shape ${formatShape(shape)}`, `${data.length} values`);
    }
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The value at a multi-index, e.g. `t.get(1, 2)`; a scalar takes no index. */
  get(...index: number[]): number {
    return this.data[ravelIndex('Tensor.get', index, this.shape)]!;
  }

  /** The only value of a tensor of size 1. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('Tensor.item', 'a tensor of size 1', `shape ${formatShape(this.shape)}`);
    return this.data[0]!;
  }

  /** The entries as nested arrays, one level per axis (a number for a scalar). */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return this.data[offset]!;
      const side = this.shape[axis]!;
      const inner = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: side }, (_, i) => build(axis + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  /**
   * The code that makes this tensor, exact to the last bit (`tensor([[1, 0.1], [-0, 2]])`): what a
   * counterexample is printed as, ready to paste into a test.
   */
  toString(): string {
    const literal = (v: NestedArray): string =>
      typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : `[${v.map(literal).join(', ')}]`;
    return `tensor(${literal(this.toArray())})`;
  }
}

/**
 * Duck-typed, so that tensors made by another copy of gradprop (a user's node_modules, a loader
 * that evaluates the package twice) are still recognised.
 */
export function isTensor(value: unknown): value is Tensor {
  if (value instanceof Tensor) return true;
  const t = value as { shape?: unknown; data?: unknown } | null;
  return (
    typeof t === 'object' && t !== null && Array.isArray(t.shape) && t.data instanceof Float64Array &&
    t.data.length === sizeOf(t.shape as number[])
  );
}
