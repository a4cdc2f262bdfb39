/**
 * The audit's independent arithmetic: float64 reimplementations of the kernels with a known bug are
 * written with these, and their true vjp is taken by plain central differences — neither tfjs nor
 * gradprop's checker or engine is involved.
 */
import { type Shape, Tensor, sizeOf, unravelIndex } from '../../src/tensor/index.js';

/** A tensor whose entry at each multi-index is `value(index)`. */
export function build(shape: Shape, value: (index: number[]) => number): Tensor {
  return new Tensor(Float64Array.from({ length: sizeOf(shape) }, (_, i) => value(unravelIndex(i, shape))), shape);
}

/** The entry of `t` that NumPy broadcasting reads at `index` of a larger shape. */
export function broadcastAt(t: Tensor, index: readonly number[]): number {
  const lead = index.length - t.rank;
  return t.get(...t.shape.map((side, axis) => (side === 1 ? 0 : index[lead + axis]!)));
}

/** The NumPy broadcast of two shapes. */
export function broadcastShape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => Math.max(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1));
}

/** An axis counted from the end when negative. */
export const positive = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/**
 * The vjp of `f` at `inputs` for the cotangent `dy`, by central differences in float64 (step
 * 1e-6 of each entry's scale): ⟨dy, f(x + h eᵢ) − f(x − h eᵢ)⟩ / 2h for every entry of every
 * input listed in `differentiable`. Exact to ~1e-9 for the smooth and piecewise-linear functions
 * here, whose inputs stay far from any jump or kink.
 */
export function vjpByDifferences(f: (inputs: Tensor[]) => Tensor, inputs: Tensor[], dy: Tensor, differentiable: readonly number[]): Tensor[] {
  return inputs.map((x, k) => {
    if (!differentiable.includes(k)) return new Tensor(new Float64Array(x.size), x.shape);
    return new Tensor(
      Float64Array.from(x.data, (v, i) => {
        const h = 1e-6 * Math.max(1, Math.abs(v));
        const at = (step: number) => {
          const moved = Float64Array.from(x.data);
          moved[i] = v + step;
          return f(inputs.map((t, j) => (j === k ? new Tensor(moved, x.shape) : t)));
        };
        const [up, down] = [at(h), at(-h)];
        return up.data.reduce((s, u, o) => s + dy.data[o]! * (u - down.data[o]!), 0) / (2 * h);
      }),
      x.shape,
    );
  });
}

/** max |a − b| over the larger of max |a| and max |b|: 0 for equal tensors, 1 for a against zeros. */
export function distance(a: Tensor, b: Tensor): number {
  const scale = Math.max(...a.data.map(Math.abs), ...b.data.map(Math.abs));
  if (scale === 0) return 0;
  return a.data.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b.data[i]!)), 0) / scale;
}
