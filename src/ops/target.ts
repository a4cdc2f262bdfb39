import { applyJvp, applyVjp } from '../autodiff/index.js';
import type { Differentiable } from '../check/differentiable.js';
import { type Tensor, zeros } from '../tensor/index.js';
import type { Op } from './define.js';

/**
 * An op with fixed attributes as a checker target. Its vjp and jvp are the op's own rules, called
 * directly: what gets checked is the rule as written, not the engine around it.
 */
export function opTarget<A>(op: Op<number, A, any[]>, ...[attrs]: undefined extends A ? [attrs?: A] : [attrs: A]): Differentiable {
  const fixed = attrs as A;
  const target: Differentiable = {
    name: attrs === undefined ? op.name : `${op.name} ${JSON.stringify(attrs)}`,
    forward: (inputs) => op.apply(inputs, fixed),
    vjp: (inputs, cotangent) => {
      const output = op.apply(inputs, fixed);
      return applyVjp(op, inputs, output, cotangent, fixed).map((part, i) => part ?? zeros(inputs[i]!.shape));
    },
    jvp: (inputs: readonly Tensor[], tangents: readonly Tensor[]) => applyJvp(op, inputs, op.apply(inputs, fixed), tangents, fixed),
  };
  const { nondifferentiable } = op.domain;
  if (nondifferentiable !== undefined) target.nondifferentiable = [...nondifferentiable];
  return target;
}
