import { ShapeError, Tensor, formatShape, isTensor, ones, shapesEqual, zeros } from '../tensor/index.js';
import { Tape } from './tape.js';
import { TangentTrace } from './tangents.js';
import { traced } from './trace.js';
import { describeValue as describe } from './describe.js';

/** A function the engine can differentiate: tensors in, one tensor out, built from ops. */
export type TensorFunction<P extends Tensor[] = Tensor[]> = (...inputs: P) => Tensor;

/** Reverse mode: f's value at `inputs`, and `cotangent` pulled back to every input. */
export function vjp<P extends Tensor[]>(
  f: TensorFunction<P>,
  inputs: readonly Tensor[],
  cotangent: Tensor,
): { value: Tensor; grads: Tensor[] } {
  const recorded = differentiate('vjp', f, inputs);
  const { value } = recorded;
  if (!isTensor(cotangent)) throw new TypeError(`vjp: the cotangent must be a Tensor, got ${describe(cotangent)}`);
  if (!shapesEqual(cotangent.shape, value.shape)) {
    throw new ShapeError('vjp', `a cotangent of the output's shape ${formatShape(value.shape)}`, `shape ${formatShape(cotangent.shape)}`);
  }
  return { value, grads: pullback(recorded, cotangent) };
}

/** f evaluated at fresh leaves with the tape listening: everything a pullback needs. */
interface Recorded {
  value: Tensor;
  tape: Tape;
  leaves: Tensor[];
}

function differentiate<P extends Tensor[]>(api: string, f: TensorFunction<P>, inputs: readonly Tensor[]): Recorded {
  const leaves = asLeaves(api, inputs);
  const tape = new Tape(new Set(leaves));
  const value = traced(api, tape, () => callF(api, f, leaves));
  return { value, tape, leaves };
}

/** The cotangent pulled back to every leaf (zeros for a leaf it does not reach). */
function pullback({ value, tape, leaves }: Recorded, cotangent: Tensor): Tensor[] {
  const sums = tape.backward(value, cotangent);
  return leaves.map((leaf) => sums.get(leaf) ?? zeros(leaf.shape));
}

/** Forward mode: f's value at `inputs`, and the tangents pushed through f. */
export function jvp<P extends Tensor[]>(
  f: TensorFunction<P>,
  inputs: readonly Tensor[],
  tangents: readonly Tensor[],
): { value: Tensor; tangent: Tensor } {
  const leaves = asLeaves('jvp', inputs);
  if (!Array.isArray(tangents) || tangents.length !== leaves.length) {
    throw new TypeError(`jvp: expected one tangent per input (${leaves.length}), got ${describe(tangents)}`);
  }
  const seeded = new Map<Tensor, Tensor>();
  leaves.forEach((leaf, i) => {
    const tangent: unknown = tangents[i];
    if (!isTensor(tangent)) throw new TypeError(`jvp: tangent ${i} must be a Tensor, got ${describe(tangent)}`);
    if (!shapesEqual(tangent.shape, leaf.shape)) {
      throw new ShapeError('jvp', `tangent ${i} of its input's shape ${formatShape(leaf.shape)}`, `shape ${formatShape(tangent.shape)}`);
    }
    seeded.set(leaf, tangent);
  });
  const trace = new TangentTrace(seeded);
  const value = traced('jvp', trace, () => callF('jvp', f, leaves));
  return { value, tangent: trace.of(value) };
}

/**
 * The gradient of a scalar-valued f with respect to argument `argnums` (default 0), or to each of
 * several arguments when `argnums` is an array.
 */
export function grad<P extends Tensor[]>(f: TensorFunction<P>, argnums?: number): (...inputs: P) => Tensor;
export function grad<P extends Tensor[]>(f: TensorFunction<P>, argnums: readonly number[]): (...inputs: P) => Tensor[];
export function grad<P extends Tensor[]>(f: TensorFunction<P>, argnums: number | readonly number[] = 0) {
  const withValue = gradients(f, argnums);
  return (...inputs: P) => withValue(...inputs).grad;
}

/** Like `grad`, and f's value from the same evaluation. */
export function valueAndGrad<P extends Tensor[]>(
  f: TensorFunction<P>,
  argnums?: number,
): (...inputs: P) => { value: Tensor; grad: Tensor };
export function valueAndGrad<P extends Tensor[]>(
  f: TensorFunction<P>,
  argnums: readonly number[],
): (...inputs: P) => { value: Tensor; grad: Tensor[] };
export function valueAndGrad<P extends Tensor[]>(f: TensorFunction<P>, argnums: number | readonly number[] = 0) {
  return gradients(f, argnums);
}

function gradients<P extends Tensor[]>(f: TensorFunction<P>, argnums: number | readonly number[]) {
  return (...inputs: P): { value: Tensor; grad: Tensor | Tensor[] } => {
    const positions = typeof argnums === 'number' ? [argnums] : argnums;
    for (const position of positions) {
      if (!Number.isInteger(position) || position < 0 || position >= inputs.length) {
        throw new RangeError(`grad: argnums ${position} is not an argument position (f was given ${inputs.length} arguments)`);
      }
    }
    const recorded = differentiate('grad', f, inputs);
    const { value } = recorded;
    if (value.size !== 1) {
      throw new ShapeError('grad', 'f to return a scalar loss (a tensor of size 1); use vjp for other outputs', `shape ${formatShape(value.shape)}`);
    }
    const grads = pullback(recorded, ones(value.shape));
    return { value, grad: typeof argnums === 'number' ? grads[argnums]! : positions.map((position) => grads[position]!) };
  };
}

/**
 * Fresh Tensor objects sharing the inputs' data: the tape keys values by identity, and the same
 * tensor passed twice must still be two inputs.
 */
function asLeaves(api: string, inputs: readonly unknown[]): Tensor[] {
  if (!Array.isArray(inputs)) throw new TypeError(`${api}: expected an array of input tensors, got ${describe(inputs)}`);
  return inputs.map((input, i) => {
    if (!isTensor(input)) throw new TypeError(`${api}: input ${i} must be a Tensor, got ${describe(input)}`);
    return new Tensor(input.data, input.shape);
  });
}

function callF<P extends Tensor[]>(api: string, f: TensorFunction<P>, leaves: Tensor[]): Tensor {
  if (typeof f !== 'function') throw new TypeError(`${api}: expected a function, got ${describe(f)}`);
  const value: unknown = f(...(leaves as P));
  if (!isTensor(value)) throw new TypeError(`${api}: the function must return a Tensor, got ${describe(value)}`);
  return value;
}
