import { type Primitive, describeValue as describe, listening, record, untraced } from '../autodiff/index.js';
import { Tensor, isTensor } from '../tensor/index.js';
import type { Domain } from './domain.js';

/** The tensor inputs of an op of arity N: a tuple, or any number of tensors for a variadic op. */
export type Inputs<N extends number> = number extends N ? readonly Tensor[] : TensorTuple<N>;
type TensorTuple<N extends number, T extends Tensor[] = []> = T['length'] extends N ? T : TensorTuple<N, [...T, Tensor]>;

/**
 * One op, in one place: forward and both derivative rules side by side, and the domain its inputs
 * are drawn from when it is checked.
 */
export interface OpSpec<N extends number, A, Args extends unknown[]> {
  name: string;
  /** How many tensors it takes; omit for a variadic op such as concat. */
  arity?: N;
  /**
   * How the callable's arguments become tensor inputs and attributes, e.g.
   * `(x: Tensor, axis = -1) => [[x], { axis }]`. Omit when the op takes only tensors.
   */
  args?: (...args: Args) => readonly [readonly Tensor[], A];
  /** The output, from the tensor inputs and the attributes. */
  forward(inputs: Inputs<N>, attrs: A): Tensor;
  /**
   * The cotangent pulled back to each input (null for an input that takes no gradient). The engine
   * passes `wanted`, false for inputs whose gradient nobody reads; a rule may return null for those
   * instead of computing them. Omitted means all are wanted.
   *
   * Build it (and jvp) from ops, so that the engine can differentiate it again (second order). An
   * op with attributes is best called as `op.apply(inputs, attrs)` here: the same recorded call,
   * without parsing the callable's arguments, which on small tensors costs as much as the work.
   */
  vjp(inputs: Inputs<N>, output: Tensor, cotangent: Tensor, attrs: A, wanted?: readonly boolean[]): readonly (Tensor | null)[];
  /** The tangents pushed forward (inputs that carry none get zeros). */
  jvp(inputs: Inputs<N>, output: Tensor, tangents: Inputs<N>, attrs: A): Tensor;
  domain: Domain<A>;
  /** Put the op under every op property (default true); a deliberately broken twin says false. */
  register?: boolean;
  /**
   * Say false when the rules are not built from ops (raw loops over the data, for speed): first
   * order works as usual, and differentiating the rules again (grad of grad, hvp, hessian, a check
   * with { order: 2 }) is refused with an error naming the op, instead of silently taking the
   * rules' results for constants. Omitted means the rules are built from ops.
   */
  higherOrder?: false;
}

export interface OpInfo<N extends number, A> extends Primitive<A> {
  readonly name: string;
  /** False when the rules are not built from ops, so that they cannot be differentiated again. */
  readonly higherOrder: boolean;
  readonly arity: N | undefined;
  readonly domain: Domain<A>;
  /** The definition it was made from, to derive a variant: `defineOp({ ...tanh.spec, vjp })`. */
  readonly spec: OpSpec<N, A, any[]>;
  /** Calls the op on tensor inputs and attributes: the uniform form the checker and the laws use. */
  apply(inputs: readonly Tensor[], attrs: A): Tensor;
  /** The spec's forward, vjp and jvp, as written (outside the engine's tape). */
  forward(inputs: Inputs<N>, attrs: A): Tensor;
  vjp(inputs: Inputs<N>, output: Tensor, cotangent: Tensor, attrs: A, wanted?: readonly boolean[]): readonly (Tensor | null)[];
  jvp(inputs: Inputs<N>, output: Tensor, tangents: Inputs<N>, attrs: A): Tensor;
}

/** A callable op: `add(a, b)`, `sum(x, { axis: 1 })`, with its rules and domain attached. */
export type Op<N extends number = number, A = any, Args extends unknown[] = any[]> = ((...args: Args) => Tensor) & OpInfo<N, A>;

/** Any op, whatever its attributes: what the registry holds. */
export type AnyOp = Op<number, any, any[]>;

const ops = new Map<string, AnyOp>();

/** Every registered op by name. Registering happens when an op's module is imported. */
export const registry: ReadonlyMap<string, AnyOp> = ops;

/** Every registered op, in the order they were defined. */
export function allOps(): AnyOp[] {
  return [...ops.values()];
}

/** Defines an op: returns a function that computes it (and is recorded inside grad, vjp and jvp), with its rules and domain attached, and registers it under its name unless `register: false`. */
export function defineOp<N extends number, A = undefined, Args extends unknown[] = [...Inputs<N>]>(
  spec: OpSpec<N, A, Args>,
): Op<N, A, Args> {
  const { name, arity } = spec;
  const apply = (inputs: readonly Tensor[], attrs: A): Tensor => {
    checkInputs(name, arity, inputs);
    // A forward built from other ops is one step to the engine: its own rules cover it.
    const computed: unknown = listening() ? untraced(() => spec.forward(inputs as Inputs<N>, attrs)) : spec.forward(inputs as Inputs<N>, attrs);
    if (!isTensor(computed)) throw new TypeError(`${name}: forward must return a Tensor, got ${describe(computed)}`);
    // The tape keys values by identity: an output that is one of its inputs would be its own parent.
    const output = inputs.includes(computed) ? new Tensor(computed.data, computed.shape) : computed;
    record(op, inputs, attrs, output);
    return output;
  };
  const call = (...args: Args): Tensor => {
    if (!spec.args) return apply(args as unknown as Inputs<N>, undefined as A);
    const [inputs, attrs] = spec.args(...args);
    return apply(inputs, attrs);
  };
  const op = Object.defineProperties(call, {
    name: { value: name },
    arity: { value: arity },
    domain: { value: spec.domain },
    spec: { value: spec },
    apply: { value: apply },
    forward: { value: spec.forward },
    vjp: { value: spec.vjp },
    jvp: { value: spec.jvp },
    higherOrder: { value: spec.higherOrder !== false },
  }) as Op<N, A, Args>;
  if (spec.register !== false) {
    if (ops.has(name)) throw new Error(`defineOp: an op named '${name}' is already registered; pick another name or pass register: false`);
    ops.set(name, op as AnyOp);
  }
  return op;
}

function checkInputs(name: string, arity: number | undefined, inputs: unknown): asserts inputs is readonly Tensor[] {
  if (!Array.isArray(inputs)) throw new TypeError(`${name}: expected the tensor inputs as an array, got ${describe(inputs)}`);
  if (arity !== undefined && inputs.length !== arity) {
    throw new TypeError(`${name}: expected ${arity} tensor input${arity === 1 ? '' : 's'}, got ${inputs.length}`);
  }
  for (let i = 0; i < inputs.length; i++) {
    if (!isTensor(inputs[i])) throw new TypeError(`${name}: input ${i} must be a Tensor, got ${describe(inputs[i])}`);
  }
}
