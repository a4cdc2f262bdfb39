/**
 * softplus again, its derivative σ(x) computed by a hand-written logistic op whose own derivative
 * has a copy-paste slip: tanh's 1 − y² where σ′ = y(1 − y). softplus's first order uses only σ's
 * values, which are right, so `npx gradprop check examples/softplus-buggy.ts` passes; its second
 * order goes through the slip, and `npx gradprop check --order 2 examples/softplus-buggy.ts` fails,
 * naming second order and the entries of x.
 */
import { Tensor, defineOp, mul, square, sub, tensor } from 'gradprop';
import { softplusWith } from './softplus.js';

const one = tensor(1);

/** σ(x) with a wrong derivative: not exported, as a private helper would not be. */
const logistic = defineOp({
  name: 'logistic',
  arity: 1,
  forward: ([x]) => new Tensor(x.data.map((v) => 1 / (1 + Math.exp(-v))), x.shape),
  vjp: (_x, y, g) => [mul(g, sub(one, square(y)))],
  jvp: (_x, y, [t]) => mul(t, sub(one, square(y))),
  domain: { sample: (draw) => ({ inputs: [draw.tensor(draw.shape())], attrs: undefined }) },
  register: false,
});

export const softplusWithSlip = softplusWith('softplus (σ′ taken as 1 − σ²)', logistic);
