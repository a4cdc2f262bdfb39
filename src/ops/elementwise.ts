import { describeValue, listening } from '../autodiff/index.js';
import { Tensor, scalar } from '../tensor/index.js';
import { broadcastOffsets, broadcastShapes, unbroadcast } from './broadcast.js';
import { type Op, defineOp } from './define.js';
import type { Domain, ValueSpec } from './domain.js';
import { floats } from './floats.js';

/**
 * Elementwise ops: each is its value and its derivatives, and one set of loops turns that into
 * forward, vjp and jvp. A derivative is written once, against an arithmetic `m`: on numbers it runs
 * inside one fused loop (first order, with no trace listening to the rule: the fast path), and on
 * tensors it is built from ops, so that a listening trace — grad of grad, hvp — differentiates it.
 */
export interface Arithmetic<T> {
  /** a − b. */
  sub(a: T | number, b: T | number): T | number;
  /** a · b. */
  mul(a: T | number, b: T | number): T | number;
  /** a / b. */
  div(a: T | number, b: T | number): T | number;
  /** −a. */
  neg(a: T | number): T | number;
  /** a to a constant power. */
  pow(a: T, exponent: number): T | number;
  /** 1 where a > 0, else 0. Piecewise constant: its own derivative is 0. */
  step(a: T): T | number;
  /** The sign of a, also piecewise constant. */
  sign(a: T): T | number;
}

/** A derivative at x (y = the op's value there), in the arithmetic it is given. */
export type Derivative<A> = <T>(x: T, y: T, m: Arithmetic<T>, attrs: A) => T | number;

const numbers: Arithmetic<number> = {
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  pow: (a, exponent) => a ** exponent,
  step: (a) => (a > 0 ? 1 : 0),
  sign: Math.sign,
};

const lift = (a: Tensor | number): Tensor => (typeof a === 'number' ? scalar(a) : a);
/** Piecewise constant functions are constants to every trace: their derivative is 0 wherever there is one. */
const constant = (a: Tensor, f: (x: number) => number): Tensor => new Tensor(a.data.map(f), a.shape);

const tensors: Arithmetic<Tensor> = {
  sub: (a, b) => sub(lift(a), lift(b)),
  mul: (a, b) => mul(lift(a), lift(b)),
  div: (a, b) => div(lift(a), lift(b)),
  neg: (a) => neg(lift(a)),
  pow: (a, exponent) => pow(a, exponent),
  step: (a) => constant(a, numbers.step),
  sign: (a) => constant(a, numbers.sign),
};

// ---------------------------------------------------------------------------------------------
// Functions of one tensor

/** An elementwise function of one tensor: its value and its derivative, entry by entry. */
export interface UnaryRule<A, Args extends unknown[]> {
  name: string;
  /** How the callable's arguments become the tensor and the attributes (see OpSpec.args). */
  args?: (...args: Args) => readonly [readonly Tensor[], A];
  /** f(x) for one entry. */
  value(x: number, attrs: A): number;
  /** f′(x), given x and y = f(x), written once against the arithmetic it is given. */
  derivative: Derivative<A>;
  domain: Domain<A>;
}

/** An elementwise op from its scalar value and derivative: forward, vjp and jvp follow from them. */
export function defineUnary<A = undefined, Args extends unknown[] = [Tensor]>(rule: UnaryRule<A, Args>): Op<1, A, Args> {
  return defineOp<1, A, Args>({
    name: rule.name,
    arity: 1,
    args: rule.args,
    forward: ([x], attrs) => {
      const out = floats(x.size);
      for (let i = 0; i < out.length; i++) out[i] = rule.value(x.data[i]!, attrs);
      return new Tensor(out, x.shape);
    },
    // The Jacobian is diagonal, so pulling back and pushing forward are the same product.
    vjp: ([x], y, g, attrs) => [timesDerivative(rule, x, y, g, attrs)],
    jvp: ([x], y, [t], attrs) => timesDerivative(rule, x, y, t, attrs),
    domain: rule.domain,
  });
}

function timesDerivative<A>(rule: UnaryRule<A, never>, x: Tensor, y: Tensor, v: Tensor, attrs: A): Tensor {
  if (listening()) return mul(v, lift(rule.derivative(x, y, tensors, attrs)));
  const out = floats(x.size);
  for (let i = 0; i < out.length; i++) out[i] = v.data[i]! * (rule.derivative(x.data[i]!, y.data[i]!, numbers, attrs) as number);
  return new Tensor(out, x.shape);
}

/** One tensor of any shape, with values as `values` says. */
export function anyTensor(values: ValueSpec = {}): Domain<undefined> {
  return { sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), values)], attrs: undefined }) };
}

/** Like anyTensor, kept away from a kink at `at`, which the checker is told about. */
function kinkedAt(at: number): Domain<undefined> {
  return { ...anyTensor({ avoid: [at] }), kinks: [{ input: 0, at }] };
}

const positive: ValueSpec = { min: 0.2, max: 4 };

/** −x, elementwise. */
export const neg = defineUnary({ name: 'neg', value: (x) => -x, derivative: () => -1, domain: anyTensor() });

/** eˣ, elementwise. */
export const exp = defineUnary({ name: 'exp', value: Math.exp, derivative: (_x, y) => y, domain: anyTensor({ min: -4, max: 4 }) });

/** The natural logarithm, elementwise (inputs drawn positive). */
export const log = defineUnary({ name: 'log', value: Math.log, derivative: (x, _y, m) => m.div(1, x), domain: anyTensor(positive) });

/** tanh x, elementwise; its derivative is 1 − tanh² x. */
export const tanh = defineUnary({ name: 'tanh', value: Math.tanh, derivative: (_x, y, m) => m.sub(1, m.mul(y, y)), domain: anyTensor() });

/** σ(x) = 1 / (1 + e⁻ˣ), elementwise, without overflow for large |x|; its derivative is σ(1 − σ). */
export const sigmoid = defineUnary({
  name: 'sigmoid',
  // Two forms so that exp never overflows: exp(-x) for x ≥ 0, exp(x) otherwise.
  value: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  derivative: (_x, y, m) => m.mul(y, m.sub(1, y)),
  domain: anyTensor(),
});

/** max(x, 0), elementwise: a kink at 0 (derivative 0 there). */
export const relu = defineUnary({ name: 'relu', value: (x) => (x > 0 ? x : 0), derivative: (x, _y, m) => m.step(x), domain: kinkedAt(0) });

/** |x|, elementwise: a kink at 0 (derivative 0 there). */
export const abs = defineUnary({ name: 'abs', value: Math.abs, derivative: (x, _y, m) => m.sign(x), domain: kinkedAt(0) });

/** x², elementwise. */
export const square = defineUnary({ name: 'square', value: (x) => x * x, derivative: (x, _y, m) => m.mul(2, x), domain: anyTensor() });

/** √x, elementwise (inputs drawn positive). */
export const sqrt = defineUnary({ name: 'sqrt', value: Math.sqrt, derivative: (_x, y, m) => m.div(0.5, y), domain: anyTensor(positive) });

const exponents = [2, 3, -1, -2, 0.5, 1.5, -0.5] as const;

/** x to a constant power; a fractional or negative exponent needs positive x. */
export const pow = defineUnary<{ exponent: number }, [x: Tensor, exponent: number]>({
  name: 'pow',
  args: (x, exponent) => {
    if (typeof exponent !== 'number') throw new TypeError(`pow: the exponent must be a number, got ${describeValue(exponent)}`);
    return [[x], { exponent }];
  },
  value: (x, { exponent }) => x ** exponent,
  derivative: (x, _y, m, { exponent }) => m.mul(exponent, m.pow(x, exponent - 1)),
  domain: {
    sample: (draw) => {
      const exponent = draw.pick(exponents);
      const values = Number.isInteger(exponent) && exponent > 0 ? {} : positive;
      return { inputs: [draw.tensor(draw.shape(), values)], attrs: { exponent } };
    },
  },
});

// ---------------------------------------------------------------------------------------------
// Functions of two broadcast tensors

/**
 * Each is its value and its two partial derivatives at (x, y), which may use the output z; ONE marks
 * the identity, whose pullback passes the cotangent on uncopied.
 */
interface BinaryRule {
  name: string;
  value(x: number, y: number): number;
  dx: Partial;
  dy: Partial;
  domain: Domain<undefined>;
}

type Partial = (<T>(x: T, y: T, z: T, m: Arithmetic<T>) => T | number) | typeof ONE;
const ONE = 1;

const BOTH = [true, true] as const;

function defineBinary(rule: BinaryRule): Op<2, undefined, [Tensor, Tensor]> {
  return defineOp({
    name: rule.name,
    arity: 2,
    forward: ([a, b]) => {
      const shape = broadcastShapes(rule.name, a.shape, b.shape);
      const ia = broadcastOffsets(a.shape, shape);
      const ib = broadcastOffsets(b.shape, shape);
      const out = floats(ia.length);
      for (let i = 0; i < out.length; i++) out[i] = rule.value(a.data[ia[i]!]!, b.data[ib[i]!]!);
      return new Tensor(out, shape);
    },
    vjp: ([a, b], z, g, _attrs, wanted = BOTH) => [
      wanted[0] ? unbroadcast(timesPartial(rule.dx, a, b, z, g), a.shape) : null,
      wanted[1] ? unbroadcast(timesPartial(rule.dy, a, b, z, g), b.shape) : null,
    ],
    jvp: ([a, b], z, [ta, tb]) => {
      if (listening()) return add(timesPartial(rule.dx, a, b, z, ta), timesPartial(rule.dy, a, b, z, tb));
      const ia = broadcastOffsets(a.shape, z.shape);
      const ib = broadcastOffsets(b.shape, z.shape);
      const out = floats(z.size);
      for (let i = 0; i < z.size; i++) {
        const x = a.data[ia[i]!]!;
        const y = b.data[ib[i]!]!;
        out[i] = ta.data[ia[i]!]! * at(rule.dx, x, y, z.data[i]!) + tb.data[ib[i]!]! * at(rule.dy, x, y, z.data[i]!);
      }
      return new Tensor(out, z.shape);
    },
    domain: rule.domain,
  });
}

function at(partial: Partial, x: number, y: number, z: number): number {
  return partial === ONE ? 1 : (partial(x, y, z, numbers) as number);
}

/**
 * v times a partial derivative: at the output's shape for a cotangent (before any broadcast is
 * summed away); for a tangent (of its input's shape), at whatever shape broadcasting gives.
 */
function timesPartial(partial: Partial, a: Tensor, b: Tensor, z: Tensor, v: Tensor): Tensor {
  if (partial === ONE) return v;
  if (listening()) return mul(v, lift(partial(a, b, z, tensors)));
  const ia = broadcastOffsets(a.shape, z.shape);
  const ib = broadcastOffsets(b.shape, z.shape);
  const out = floats(z.size);
  for (let i = 0; i < z.size; i++) out[i] = v.data[i]! * (partial(a.data[ia[i]!]!, b.data[ib[i]!]!, z.data[i]!, numbers) as number);
  return new Tensor(out, z.shape);
}

/** Two tensors whose shapes broadcast together; the second one's values as `denominator` says. */
function broadcastPair(denominator: { min?: number; max?: number } = {}): Domain<undefined> {
  return {
    sample: (draw) => {
      const [sa, sb] = draw.broadcastShapes(2);
      return { inputs: [draw.tensor(sa!), draw.tensor(sb!, denominator)], attrs: undefined };
    },
  };
}

/** a + b, elementwise with NumPy broadcasting (gradients summed back to each input's shape). */
export const add = defineBinary({ name: 'add', value: (x, y) => x + y, dx: ONE, dy: ONE, domain: broadcastPair() });

/** a − b, elementwise with NumPy broadcasting. */
export const sub = defineBinary({ name: 'sub', value: (x, y) => x - y, dx: ONE, dy: () => -1, domain: broadcastPair() });

/** a · b, elementwise with NumPy broadcasting. */
export const mul = defineBinary({ name: 'mul', value: (x, y) => x * y, dx: (_x, y) => y, dy: (x) => x, domain: broadcastPair() });

/** a / b, elementwise with NumPy broadcasting. */
export const div = defineBinary({
  name: 'div',
  value: (x, y) => x / y,
  dx: (_x, y, _z, m) => m.div(1, y),
  dy: (_x, y, z, m) => m.neg(m.div(z, y)),
  // Away from the pole at 0, where finite differences say nothing useful.
  domain: broadcastPair({ min: 0.5, max: 3 }),
});
