import { formatShape, isTensor } from '../tensor/index.js';

/** A wrong argument, described for an error message: "a number (3)", "a Tensor of shape [2, 3]". */
export function describeValue(value: unknown): string {
  if (isTensor(value)) return `a Tensor of shape ${formatShape(value.shape)}`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value} (${String(value)})`;
}
