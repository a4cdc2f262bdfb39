import { Tensor, sizeOf, type Shape } from '../tensor/index.js';

/** Tensors flattened and joined, in order, into one vector. */
export function join(tensors: readonly Tensor[]): Tensor {
  const out = new Float64Array(tensors.reduce((total, t) => total + t.size, 0));
  let at = 0;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.size;
  }
  return new Tensor(out, [out.length]);
}

/** A vector cut into tensors of these shapes, in order: the inverse of join. */
export function split(flat: Float64Array, shapes: readonly Shape[]): Tensor[] {
  let at = 0;
  return shapes.map((shape) => {
    const size = sizeOf(shape);
    const part = new Tensor(flat.slice(at, at + size), shape);
    at += size;
    return part;
  });
}
