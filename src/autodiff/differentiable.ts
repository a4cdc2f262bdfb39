import type { Differentiable } from '../check/differentiable.js';
import { type Tensor, zeros } from '../tensor/index.js';
import { type TensorFunction, type TensorsFunction, jvp, jvpMany, vjp, vjpMany } from './api.js';
import { join, split } from './flat.js';

/** What asDifferentiable cannot read off the function: which inputs take no gradient. */
export interface AsDifferentiableOptions {
  /** Input positions that are not differentiated (integer ids, class targets). */
  nondifferentiable?: readonly number[];
}

/**
 * The one place where the engine meets the checker: any function built from ops becomes a target
 * whose vjp and jvp are the engine's reverse and forward modes, and whose second order is the
 * engine differentiating its own vjp.
 */
export function asDifferentiable(name: string, f: TensorFunction, options: AsDifferentiableOptions = {}): Differentiable {
  const nondifferentiable = [...(options.nondifferentiable ?? [])];
  const target: Differentiable = {
    name,
    forward: (inputs) => f(...inputs),
    vjp: (inputs, cotangent) => vjp(f, inputs, cotangent).grads,
    jvp: (inputs: readonly Tensor[], tangents: readonly Tensor[]) => jvp(f, inputs, tangents).tangent,
    vjpTarget: () => vjpTarget(name, (inputs, cotangent) => vjp(f, inputs, cotangent).grads, nondifferentiable),
  };
  if (options.nondifferentiable !== undefined) target.nondifferentiable = nondifferentiable;
  return target;
}

/** A first-order rule: one gradient per input (null for an input that takes none). */
export type Pullback = (inputs: readonly Tensor[], cotangent: Tensor) => readonly (Tensor | null)[];

/**
 * A target's vjp as a target of its own, for a second-order check (see Differentiable.vjpTarget).
 * `pullback` must be built from ops: the engine differentiates it again, reverse over reverse for
 * the vjp and forward over reverse for the jvp.
 */
export function vjpTarget(name: string, pullback: Pullback, nondifferentiable: readonly number[] = []): Differentiable {
  const fixed = new Set(nondifferentiable);
  const api = `vjp of ${name}`;
  /** The gradients of the differentiable inputs, as a function of [...inputs, cotangent]. */
  const gradients: TensorsFunction = (...xs) => {
    const inputs = xs.slice(0, -1);
    const grads = pullback(inputs, xs[xs.length - 1]!);
    return inputs.flatMap((x, k) => (fixed.has(k) ? [] : [grads[k] ?? zeros(x.shape)]));
  };
  const shapes = (xs: readonly Tensor[]) => xs.slice(0, -1).flatMap((x, k) => (fixed.has(k) ? [] : [x.shape]));
  return {
    name: api,
    forward: (xs) => join(gradients(...xs)),
    vjp: (xs, w) => vjpMany(api, gradients, xs, split(w.data, shapes(xs))).grads,
    jvp: (xs, tangents) => join(jvpMany(api, gradients, xs, tangents).tangents),
    nondifferentiable: [...nondifferentiable],
  };
}
