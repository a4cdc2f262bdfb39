import { applyJvp, applyVjp, vjpTarget } from '../autodiff/index.js';
import type { Differentiable } from '../check/differentiable.js';
import { type Tensor, zeros } from '../tensor/index.js';
import type { Op } from './define.js';

/**
 * An op with fixed attributes as a checker target. Its vjp and jvp are the op's own rules, called
 * directly: what gets checked is the rule as written, not the engine around it. Its second order
 * (vjpTarget) is the engine differentiating that rule, which is built from ops.
 */
export function opTarget<A>(op: Op<number, A, any[]>, ...[attrs]: undefined extends A ? [attrs?: A] : [attrs: A]): Differentiable {
  const fixed = attrs as A;
  const name = attrs === undefined ? op.name : `${op.name} ${JSON.stringify(attrs)}`;
  const nondifferentiable = op.domain.nondifferentiable ?? [];
  const pullback = (inputs: readonly Tensor[], cotangent: Tensor) => applyVjp(op, inputs, op.apply(inputs, fixed), cotangent, fixed);
  const target: Differentiable = {
    name,
    forward: (inputs) => op.apply(inputs, fixed),
    vjp: (inputs, cotangent) => pullback(inputs, cotangent).map((part, i) => part ?? zeros(inputs[i]!.shape)),
    jvp: (inputs: readonly Tensor[], tangents: readonly Tensor[]) => applyJvp(op, inputs, op.apply(inputs, fixed), tangents, fixed),
    vjpTarget: () => vjpTarget(name, pullback, nondifferentiable),
  };
  if (op.domain.nondifferentiable !== undefined) target.nondifferentiable = [...nondifferentiable];
  return target;
}
