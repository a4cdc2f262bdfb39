import type { Differentiable } from '../check/differentiable.js';
import type { Tensor } from '../tensor/index.js';
import { type TensorFunction, jvp, vjp } from './api.js';

/** What asDifferentiable cannot read off the function: which inputs take no gradient. */
export interface AsDifferentiableOptions {
  /** Input positions that are not differentiated (integer ids, class targets). */
  nondifferentiable?: readonly number[];
}

/**
 * The one place where the engine meets the checker: any function built from ops becomes a target
 * whose vjp and jvp are the engine's reverse and forward modes.
 */
export function asDifferentiable(name: string, f: TensorFunction, options: AsDifferentiableOptions = {}): Differentiable {
  const target: Differentiable = {
    name,
    forward: (inputs) => f(...inputs),
    vjp: (inputs, cotangent) => vjp(f, inputs, cotangent).grads,
    jvp: (inputs: readonly Tensor[], tangents: readonly Tensor[]) => jvp(f, inputs, tangents).tangent,
  };
  if (options.nondifferentiable !== undefined) target.nondifferentiable = [...options.nondifferentiable];
  return target;
}
