import { ShapeError, type Tensor, formatShape, isTensor, shapesEqual } from '../tensor/index.js';
import { describeValue } from './describe.js';
import type { Primitive } from './primitive.js';
import { untraced } from './trace.js';

/**
 * Calls an op's vjp rule and checks what comes back, so that a wrong rule fails here, naming the
 * op, rather than later in an unrelated place (tfjs-core's tape does the same).
 */
export function applyVjp<A>(
  primitive: Primitive<A>,
  inputs: readonly Tensor[],
  output: Tensor,
  cotangent: Tensor,
  attrs: A,
  wanted?: readonly boolean[],
): (Tensor | null)[] {
  const parts = untraced(() => primitive.vjp(inputs, output, cotangent, attrs, wanted));
  if (!Array.isArray(parts) || parts.length !== inputs.length) {
    throw new TypeError(
      `${primitive.name}: the vjp rule must return one gradient (or null) per input, ${inputs.length} in all; got ${describeValue(parts)}`,
    );
  }
  return inputs.map((input, i) => {
    const part = parts[i] ?? null;
    if (part !== null) expectShape(primitive.name, `vjp gradient for input ${i}`, input.shape, part);
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
  const tangent = untraced(() => primitive.jvp(inputs, output, tangents, attrs));
  expectShape(primitive.name, 'jvp tangent', output.shape, tangent);
  return tangent;
}

function expectShape(op: string, what: string, shape: readonly number[], value: unknown): asserts value is Tensor {
  if (!isTensor(value)) throw new TypeError(`${op}: the ${what} must be a Tensor, got ${describeValue(value)}`);
  if (!shapesEqual(value.shape, shape)) {
    throw new ShapeError(op, `the ${what} of shape ${formatShape(shape)}`, `shape ${formatShape(value.shape)}`);
  }
}
