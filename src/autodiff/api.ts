import { ShapeError, Tensor, formatShape, isTensor, ones, shapesEqual, zeros } from '../tensor/index.js';
import { describeValue as describe } from './describe.js';
import { leafOf } from './engine-primitives.js';
import { split } from './flat.js';
import { TangentTrace } from './tangents.js';
import { Tape } from './tape.js';
import { traced } from './trace.js';

/** A function the engine can differentiate: tensors in, one tensor out, built from ops. */
export type TensorFunction<P extends Tensor[] = Tensor[]> = (...inputs: P) => Tensor;

/** Tensors in, several tensors out: every gradient of a vjp, say. */
export type TensorsFunction = (...inputs: Tensor[]) => readonly Tensor[];

// Every function below may run inside another: grad(grad(f)), jvp of a vjp, vjp of a vjp. The
// inner one's forward and backward passes are op calls the outer one records (see trace.ts).

/** Reverse mode: f's value at `inputs`, and `cotangent` pulled back to every input. */
export function vjp<P extends Tensor[]>(
  f: TensorFunction<P>,
  inputs: readonly Tensor[],
  cotangent: Tensor,
): { value: Tensor; grads: Tensor[] } {
  const { values, grads } = vjpMany('vjp', one('vjp', f), inputs, [cotangent]);
  return { value: values[0]!, grads };
}

/** Reverse mode for several outputs: the cotangents (one per output) pulled back together. */
export function vjpMany(api: string, f: TensorsFunction, inputs: readonly Tensor[], cotangents: readonly Tensor[]): { values: Tensor[]; grads: Tensor[] } {
  const recorded = taped(api, f, inputs);
  expectMatching(api, 'cotangent', 'output', recorded.values, cotangents);
  return { values: recorded.values, grads: pullback(recorded, cotangents) };
}

/** f evaluated at fresh leaves with a tape listening: everything a pullback needs. */
interface Recorded {
  values: Tensor[];
  tape: Tape;
  leaves: Tensor[];
}

function taped(api: string, f: TensorsFunction, inputs: readonly Tensor[]): Recorded {
  const leaves = expectTensors(api, inputs).map(leafOf);
  const tape = new Tape(new Set(leaves));
  return { values: traced(tape, () => callF(api, f, leaves)), tape, leaves };
}

/** The cotangents pulled back to every leaf (zeros for a leaf they do not reach). */
function pullback({ values, tape, leaves }: Recorded, cotangents: readonly Tensor[]): Tensor[] {
  const sums = tape.backward(values.map((value, i) => [value, cotangents[i]!] as const));
  return leaves.map((leaf) => sums.get(leaf) ?? zeros(leaf.shape));
}

/** Forward mode: f's value at `inputs`, and the tangents pushed through f. */
export function jvp<P extends Tensor[]>(
  f: TensorFunction<P>,
  inputs: readonly Tensor[],
  tangents: readonly Tensor[],
): { value: Tensor; tangent: Tensor } {
  const { values, tangents: out } = jvpMany('jvp', one('jvp', f), inputs, tangents);
  return { value: values[0]!, tangent: out[0]! };
}

/** Forward mode for several outputs: each output's tangent. */
export function jvpMany(api: string, f: TensorsFunction, inputs: readonly Tensor[], tangents: readonly Tensor[]): { values: Tensor[]; tangents: Tensor[] } {
  const leaves = expectTensors(api, inputs).map(leafOf);
  expectMatching(api, 'tangent', 'input', leaves, tangents);
  const trace = new TangentTrace(new Map(leaves.map((leaf, i) => [leaf, tangents[i]!])));
  const values = traced(trace, () => callF(api, f, leaves));
  return { values, tangents: values.map((value) => trace.of(value)) };
}

/**
 * The gradient of a scalar-valued f with respect to argument `argnums` (default 0), or to each of
 * several arguments when `argnums` is an array. The result is built from ops, so grad(grad(f)) is
 * the second derivative.
 */
export function grad<P extends Tensor[]>(f: TensorFunction<P>, argnums?: number): (...inputs: P) => Tensor;
export function grad<P extends Tensor[]>(f: TensorFunction<P>, argnums: readonly number[]): (...inputs: P) => Tensor[];
export function grad<P extends Tensor[]>(f: TensorFunction<P>, argnums: number | readonly number[] = 0) {
  const withValue = gradients('grad', f, argnums);
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
  return gradients('grad', f, argnums);
}

function gradients<P extends Tensor[]>(api: string, f: TensorFunction<P>, argnums: number | readonly number[]) {
  return (...inputs: P): { value: Tensor; grad: Tensor | Tensor[] } => {
    const positions = typeof argnums === 'number' ? [argnums] : argnums;
    for (const position of positions) {
      if (!Number.isInteger(position) || position < 0 || position >= inputs.length) {
        throw new RangeError(`${api}: argnums ${position} is not an argument position (f was given ${inputs.length} arguments)`);
      }
    }
    const recorded = taped(api, one(api, f), inputs);
    const value = recorded.values[0]!;
    if (value.size !== 1) {
      throw new ShapeError(api, 'f to return a scalar loss (a tensor of size 1); use vjp for other outputs', `shape ${formatShape(value.shape)}`);
    }
    const grads = pullback(recorded, [ones(value.shape)]);
    return { value, grad: typeof argnums === 'number' ? grads[argnums]! : positions.map((position) => grads[position]!) };
  };
}

/**
 * Hessian-vector product of a scalar-valued f, forward over reverse: the jvp of f's gradient along
 * `v` (one direction per input). Returns f's value, its gradient and H·v, each split by input.
 */
export function hvp<P extends Tensor[]>(
  f: TensorFunction<P>,
  inputs: readonly Tensor[],
  v: readonly Tensor[],
): { value: Tensor; grads: Tensor[]; hvp: Tensor[] } {
  const all = expectTensors('hvp', inputs).map((_, i) => i);
  const withGradient = (...xs: Tensor[]): Tensor[] => {
    const { value, grad: g } = gradients('hvp', f, all)(...(xs as P));
    return [value, ...(g as Tensor[])];
  };
  const { values, tangents } = jvpMany('hvp', withGradient, inputs, v);
  return { value: values[0]!, grads: values.slice(1), hvp: tangents.slice(1) };
}

/**
 * The Hessian of a scalar-valued f, one hvp per column: an [n, n] tensor over the inputs' entries,
 * flattened in order (input 0's entries first). n hvps: for checking small functions, not for
 * training large ones.
 */
export function hessian<P extends Tensor[]>(f: TensorFunction<P>, inputs: readonly Tensor[]): Tensor {
  const shapes = expectTensors('hessian', inputs).map((x) => x.shape);
  const n = inputs.reduce((total, x) => total + x.size, 0);
  const h = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const basis = new Float64Array(n);
    basis[j] = 1;
    const column = hvp(f, inputs, split(basis, shapes)).hvp;
    let i = 0;
    for (const part of column) for (const value of part.data) h[i++ * n + j] = value;
  }
  return new Tensor(h, [n, n]);
}

function expectTensors(api: string, inputs: readonly unknown[]): Tensor[] {
  if (!Array.isArray(inputs)) throw new TypeError(`${api}: expected an array of input tensors, got ${describe(inputs)}`);
  inputs.forEach((input, i) => {
    if (!isTensor(input)) throw new TypeError(`${api}: input ${i} must be a Tensor, got ${describe(input)}`);
  });
  return inputs as Tensor[];
}

/** One cotangent per output (one tangent per input), each a tensor of its shape. */
function expectMatching(api: string, role: 'cotangent' | 'tangent', of: 'output' | 'input', values: readonly Tensor[], given: unknown): asserts given is readonly Tensor[] {
  if (!Array.isArray(given) || given.length !== values.length) {
    throw new TypeError(`${api}: expected one ${role} per ${of} (${values.length}), got ${describe(given)}`);
  }
  values.forEach((value, i) => {
    const t: unknown = given[i];
    const which = role === 'cotangent' && values.length === 1 ? 'the cotangent' : `${role} ${i}`;
    if (!isTensor(t)) throw new TypeError(`${api}: ${which} must be a Tensor, got ${describe(t)}`);
    if (!shapesEqual(t.shape, value.shape)) {
      const expected = role === 'cotangent' && values.length === 1 ? `a cotangent of the output's shape` : `${role} ${i} of its ${of}'s shape`;
      throw new ShapeError(api, `${expected} ${formatShape(value.shape)}`, `shape ${formatShape(t.shape)}`);
    }
  });
}

/** f as a function of several outputs, with its one output checked. */
function one<P extends Tensor[]>(api: string, f: TensorFunction<P>): TensorsFunction {
  return (...inputs) => {
    if (typeof f !== 'function') throw new TypeError(`${api}: expected a function, got ${describe(f)}`);
    const value: unknown = f(...(inputs as P));
    if (!isTensor(value)) throw new TypeError(`${api}: the function must return a Tensor, got ${describe(value)}`);
    return [value];
  };
}

function callF(api: string, f: TensorsFunction, leaves: readonly Tensor[]): Tensor[] {
  if (typeof f !== 'function') throw new TypeError(`${api}: expected a function, got ${describe(f)}`);
  const values: unknown = f(...leaves);
  if (!Array.isArray(values) || !values.every(isTensor)) throw new TypeError(`${api}: the function must return Tensors, got ${describe(values)}`);
  return values;
}
