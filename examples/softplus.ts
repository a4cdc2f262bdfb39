/**
 * A user's op built from ops: softplus(x) = log(1 + eˣ), whose derivative is the logistic
 * sigmoid σ(x). Its rules are written with ops, so the engine can differentiate them again:
 * `npx gradprop check --order 2 examples/softplus.ts` checks the second derivative σ′ as well.
 */
import { Tensor, defineOp, mul, sigmoid } from 'gradprop';

/** log(1 + eˣ) without overflow: x + log(1 + e⁻ˣ) for positive x. */
const softplusOf = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** softplus, its derivative σ(x) computed by `logistic`: an op of the caller's choosing. */
export function softplusWith(name: string, logistic: (x: Tensor) => Tensor) {
  return defineOp({
    name,
    arity: 1,
    forward: ([x]) => new Tensor(x.data.map(softplusOf), x.shape),
    vjp: ([x], _y, g) => [mul(g, logistic(x))],
    jvp: ([x], _y, [t]) => mul(t, logistic(x)),
    domain: { sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), { min: -4, max: 4 })], attrs: undefined }) },
    register: false,
  });
}

export const softplus = softplusWith('softplus', sigmoid);
