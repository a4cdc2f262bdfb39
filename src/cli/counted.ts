import type { Differentiable } from '../check/index.js';
import type { Subject } from '../laws/index.js';
import type { AnyOp } from '../ops/index.js';
import { isOpLike } from './shapes.js';

/** Calls of a target's forward, vjp and jvp. */
export interface Evaluations {
  forward: number;
  vjp: number;
  jvp: number;
}

/**
 * The subject with every forward, vjp and jvp call counted into `evaluations`: the laws see the
 * subject itself, so counting happens where they call it. Methods are called on the original
 * object, so a class instance keeps its `this`.
 */
export function counted<S extends Subject>(subject: S, evaluations: Evaluations): S {
  return (isOpLike(subject) ? countedOp(subject, evaluations) : countedTarget(subject as Differentiable, evaluations)) as S;
}

function countedTarget(target: Differentiable & { domain?: unknown }, evaluations: Evaluations): Differentiable {
  const wrapped: Differentiable & { domain?: unknown } = {
    name: target.name,
    forward: (inputs) => (evaluations.forward++, target.forward(inputs)),
    vjp: (inputs, cotangent) => (evaluations.vjp++, target.vjp(inputs, cotangent)),
  };
  if (typeof target.jvp === 'function') wrapped.jvp = (inputs, tangents) => (evaluations.jvp++, target.jvp!(inputs, tangents));
  if (target.nondifferentiable !== undefined) wrapped.nondifferentiable = target.nondifferentiable;
  if (typeof target.vjpTarget === 'function') wrapped.vjpTarget = () => target.vjpTarget!();
  if (target.domain !== undefined) wrapped.domain = target.domain;
  return wrapped;
}

/**
 * An op whose calls are counted. The laws reach an op through opTarget, which calls `apply` for
 * the forward (also inside its vjp and jvp, to get the output the rules take) and the rules by name.
 */
function countedOp(op: AnyOp, evaluations: Evaluations): AnyOp {
  return Object.defineProperties((...args: unknown[]) => op(...args), {
    name: { value: op.name },
    arity: { value: op.arity },
    domain: { value: op.domain },
    spec: { value: op.spec },
    apply: { value: (inputs: never, attrs: unknown) => (evaluations.forward++, op.apply(inputs, attrs)) },
    forward: { value: op.forward },
    vjp: { value: (...args: Parameters<AnyOp['vjp']>) => (evaluations.vjp++, op.vjp(...args)) },
    jvp: { value: (...args: Parameters<AnyOp['jvp']>) => (evaluations.jvp++, op.jvp(...args)) },
    higherOrder: { value: op.higherOrder },
  }) as AnyOp;
}
