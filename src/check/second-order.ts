import { Rng, type Tensor } from '../tensor/index.js';
import type { Differentiable } from './differentiable.js';
import type { CheckOptions } from './options.js';
import type { GradCheckReport, Problem } from './report.js';
import { randomProbe } from './space.js';
import { ContractError, GuardedTarget, describe, describeThrown } from './target.js';

/** checkGradients at first order: what the second order is checked with, too. */
type Check = (target: Differentiable, inputs: readonly Tensor[], options: CheckOptions) => GradCheckReport;

/**
 * `{ order: 2 }` (options already cleaned by checkGradients): first order, then the target's vjp as a function of [...inputs, cotangent] — the
 * target's `vjpTarget()`, whose vjp is its second-order rule — checked like any target, at the
 * inputs and a random cotangent: that rule against finite differences of the first-order one. The
 * report is the first failure's, or the second order's, and `order` says which.
 */
export function checkSecondOrder(target: Differentiable, inputs: readonly Tensor[], options: CheckOptions, check: Check): GradCheckReport {
  const firstOptions: CheckOptions = { ...options, order: 1 };
  const first = check(target, inputs, firstOptions);
  if (!first.ok) return { ...first, order: 1, message: `${first.target}: first order: ${withoutName(first)}` };
  const second = vjpTargetOf(target, first.target);
  if (typeof second === 'string') return refused(first, second);
  const output = outputAt(target, inputs);
  if (output instanceof ContractError) return refused(first, output.message, output.problem);
  // a random cotangent, never all ones: the gradient of sum(softmax(x)) is 0 whatever the rule
  const cotangent = randomProbe(new Rng((options.seed ?? 0) + 1), output.shape);
  const report = check(second, [...inputs, cotangent], firstOptions);
  const where = `the vjp as a function of the inputs and the cotangent, which is input ${inputs.length}`;
  return {
    ...report,
    target: first.target,
    order: 2,
    evaluations: {
      forward: first.evaluations.forward + 1, // the output, for the cotangent's shape
      vjp: first.evaluations.vjp + report.evaluations.forward,
      jvp: first.evaluations.jvp,
      secondOrder: report.evaluations.vjp + report.evaluations.jvp,
    },
    message: `${first.target}: second order (${where}): ${withoutName(report)}`,
  };
}

/** The target's vjp as a Differentiable, or why there is none (a hostile target's included). */
function vjpTargetOf(target: Differentiable, name: string): Differentiable | string {
  let second: unknown;
  try {
    if (typeof target.vjpTarget !== 'function') {
      return `${name}: no second-order rule to check — a Differentiable checked at order 2 needs vjpTarget(), the vjp as a Differentiable of [...inputs, cotangent] (see the README); ops and engine functions have one`;
    }
    second = target.vjpTarget();
  } catch (error) {
    return `${name}: vjpTarget() threw ${describeThrown(error)}`;
  }
  try {
    const s = second as Partial<Differentiable> | null;
    if (typeof s === 'object' && s !== null && typeof s.forward === 'function' && typeof s.vjp === 'function') return second as Differentiable;
    return `${name}: vjpTarget() must return a Differentiable ({ name, forward, vjp }), got ${describe(second)}`;
  } catch (error) {
    return `${name}: reading what vjpTarget() returned threw ${describeThrown(error)}`;
  }
}

/** The target's output at the inputs, for the cotangent's shape; what broke if it has none now. */
function outputAt(target: Differentiable, inputs: readonly Tensor[]): Tensor | ContractError {
  try {
    return new GuardedTarget(target).forward(inputs);
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
}

/** Second order was asked for and cannot be checked: an error, after a first order that passed. */
function refused(first: GradCheckReport, message: string, problem: Problem = 'no-second-order'): GradCheckReport {
  const { worst: _, ...rest } = first;
  return { ...rest, verdict: 'error', ok: false, order: 2, problem, mismatches: [], message };
}

/** A report's message without the "name: " it starts with. */
function withoutName(report: GradCheckReport): string {
  return report.message.startsWith(`${report.target}: `) ? report.message.slice(report.target.length + 2) : report.message;
}
