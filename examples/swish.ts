/**
 * A layer written without defineOp — a plain Differentiable, as you would wrap a layer from another
 * library — with a spec saying where to check it: the target and its inputs (a list of tensors, or
 * a fast-check arbitrary of such lists).
 *
 *   swish(x) = x·σ(x),   swish′(x) = σ(x)·(1 + x·(1 − σ(x)))
 *
 * Check it with `npx gradprop check examples/swish.ts`.
 */
import fc from 'fast-check';
import { type Differentiable, Tensor } from 'gradprop';
import { tensorArb } from 'gradprop/arbitraries';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const slope = (x: number) => sigmoid(x) * (1 + x * (1 - sigmoid(x)));

export const swish: Differentiable = {
  name: 'swish',
  forward: ([x]) => new Tensor(x!.data.map((v) => v * sigmoid(v)), x!.shape),
  vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => slope(v) * g.data[i]!), x!.shape)],
  jvp: ([x], [t]) => new Tensor(x!.data.map((v, i) => slope(v) * t!.data[i]!), x!.shape),
};

/** Tensors of any shape up to rank 2, values of both signs and several magnitudes. */
export const swishSpec = { target: swish, inputs: fc.tuple(tensorArb({ maxRank: 2 })) };
