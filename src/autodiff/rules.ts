import { ShapeError, type Tensor, formatShape, isTensor, shapesEqual } from '../tensor/index.js';
import { describeValue } from './describe.js';
import type { Primitive } from './primitive.js';
import { detached, listening, watched } from './trace.js';

/**
 * Calls an op's vjp rule and checks what comes back, so that a wrong rule fails here, naming the
 * op, rather than later in an unrelated place (tfjs-core's tape does the same). The rule runs with
 * the traces outside the one differentiating listening: built from ops, it is differentiated again.
 */
export function applyVjp<A>(
  primitive: Primitive<A>,
  inputs: readonly Tensor[],
  output: Tensor,
  cotangent: Tensor,
  attrs: A,
  wanted?: readonly boolean[],
): (Tensor | null)[] {
  if (primitive.higherOrder === false) refuseHigherOrder(primitive.name, 'vjp', [...inputs, output, cotangent]);
  const parts = primitive.vjp(inputs, output, cotangent, attrs, wanted);
  if (!Array.isArray(parts) || parts.length !== inputs.length) {
    throw new TypeError(
      `${primitive.name}: the vjp rule must return one gradient (or null) per input, ${inputs.length} in all; got ${describeValue(parts)}`,
    );
  }
  return inputs.map((input, i) => {
    const part = parts[i] ?? null;
    if (part !== null) {
      expectShape(primitive.name, `vjp gradient for input ${i}`, input.shape, part);
      if (listening()) expectTracked(primitive.name, `vjp rule's gradient for input ${i}`, 'cotangent', cotangent, part);
    }
    return part;
  });
}

/** Calls an op's jvp rule and checks that the tangent has the output's shape. */
export function applyJvp<A>(
  primitive: Primitive<A>,
  inputs: readonly Tensor[],
  output: Tensor,
  tangents: readonly Tensor[],
  attrs: A,
): Tensor {
  if (primitive.higherOrder === false) refuseHigherOrder(primitive.name, 'jvp', [...inputs, output, ...tangents]);
  const tangent = primitive.jvp(inputs, output, tangents, attrs);
  expectShape(primitive.name, 'jvp tangent', output.shape, tangent);
  if (listening()) tangents.forEach((t, i) => expectTracked(primitive.name, 'jvp rule\'s tangent', `tangent of input ${i}`, t, tangent));
  return tangent;
}

/** An op that says its rules are not built from ops cannot be differentiated through them. */
function refuseHigherOrder(op: string, rule: string, involved: readonly Tensor[]): void {
  if (!watched(involved)) return;
  throw new Error(
    `${op}: its ${rule} rule is not built from ops (its definition says higherOrder: false), so it cannot be ` +
      `differentiated again: second-order derivatives through ${op} (grad of grad, hvp, hessian, a check with { order: 2 }) are not available`,
  );
}

function expectTracked(op: string, what: string, from: string, source: Tensor, result: Tensor): void {
  if (!detached(source, result)) return;
  throw new Error(
    `${op}: the ${what} was computed from the ${from}'s numbers outside ops, so it cannot be differentiated again ` +
      `(second order would silently take it for a constant); build the rule from ops, or declare higherOrder: false in the op's definition`,
  );
}

function expectShape(op: string, what: string, shape: readonly number[], value: unknown): asserts value is Tensor {
  if (!isTensor(value)) throw new TypeError(`${op}: the ${what} must be a Tensor, got ${describeValue(value)}`);
  if (!shapesEqual(value.shape, shape)) {
    throw new ShapeError(op, `the ${what} of shape ${formatShape(shape)}`, `shape ${formatShape(value.shape)}`);
  }
}
