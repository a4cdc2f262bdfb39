import { describeValue } from '../autodiff/index.js';
import { Tensor } from '../tensor/index.js';
import { type Op, defineOp } from './define.js';
import type { Domain, ValueSpec } from './domain.js';
import { floats } from './floats.js';

/**
 * Elementwise functions of one tensor: each is its value and its derivative, and one pair of loops
 * turns that into forward, vjp and jvp. The derivative may use the saved output y (tanh: 1 - y²).
 */
export interface UnaryRule<A, Args extends unknown[]> {
  name: string;
  /** How the callable's arguments become the tensor and the attributes (see OpSpec.args). */
  args?: (...args: Args) => readonly [readonly Tensor[], A];
  /** f(x) for one entry. */
  value(x: number, attrs: A): number;
  /** f′(x) for one entry, given x and y = f(x). */
  derivative(x: number, y: number, attrs: A): number;
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
  const out = floats(x.size);
  for (let i = 0; i < out.length; i++) out[i] = v.data[i]! * rule.derivative(x.data[i]!, y.data[i]!, attrs);
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
export const log = defineUnary({ name: 'log', value: Math.log, derivative: (x) => 1 / x, domain: anyTensor(positive) });

/** tanh x, elementwise; its derivative is 1 − tanh² x. */
export const tanh = defineUnary({ name: 'tanh', value: Math.tanh, derivative: (_x, y) => 1 - y * y, domain: anyTensor() });

/** σ(x) = 1 / (1 + e⁻ˣ), elementwise, without overflow for large |x|; its derivative is σ(1 − σ). */
export const sigmoid = defineUnary({
  name: 'sigmoid',
  // Two forms so that exp never overflows: exp(-x) for x ≥ 0, exp(x) otherwise.
  value: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  derivative: (_x, y) => y * (1 - y),
  domain: anyTensor(),
});

/** max(x, 0), elementwise: a kink at 0 (derivative 0 there). */
export const relu = defineUnary({ name: 'relu', value: (x) => (x > 0 ? x : 0), derivative: (x) => (x > 0 ? 1 : 0), domain: kinkedAt(0) });

/** |x|, elementwise: a kink at 0 (derivative 0 there). */
export const abs = defineUnary({ name: 'abs', value: Math.abs, derivative: (x) => Math.sign(x), domain: kinkedAt(0) });

/** x², elementwise. */
export const square = defineUnary({ name: 'square', value: (x) => x * x, derivative: (x) => 2 * x, domain: anyTensor() });

/** √x, elementwise (inputs drawn positive). */
export const sqrt = defineUnary({ name: 'sqrt', value: Math.sqrt, derivative: (_x, y) => 0.5 / y, domain: anyTensor(positive) });

const exponents = [2, 3, -1, -2, 0.5, 1.5, -0.5] as const;

/** x to a constant power; a fractional or negative exponent needs positive x. */
export const pow = defineUnary<{ exponent: number }, [x: Tensor, exponent: number]>({
  name: 'pow',
  args: (x, exponent) => {
    if (typeof exponent !== 'number') throw new TypeError(`pow: the exponent must be a number, got ${describeValue(exponent)}`);
    return [[x], { exponent }];
  },
  value: (x, { exponent }) => x ** exponent,
  derivative: (x, _y, { exponent }) => exponent * x ** (exponent - 1),
  domain: {
    sample: (draw) => {
      const exponent = draw.pick(exponents);
      const values = Number.isInteger(exponent) && exponent > 0 ? {} : positive;
      return { inputs: [draw.tensor(draw.shape(), values)], attrs: { exponent } };
    },
  },
});
