import type { Tensor } from '../tensor/index.js';

/**
 * What the engine needs from an op to differentiate through it: its two rules. The engine never
 * knows which ops exist; `src/ops` hands it one of these for every call it records.
 */
export interface Primitive<A = unknown> {
  readonly name: string;
  /**
   * One cotangent per input (null where the input takes no gradient, such as integer ids).
   * `wanted[i]` false says nobody will read input i's gradient (a constant, data), so a rule may
   * skip computing it and return null there; when omitted, every gradient is wanted.
   */
  vjp(inputs: readonly Tensor[], output: Tensor, cotangent: Tensor, attrs: A, wanted?: readonly boolean[]): readonly (Tensor | null)[];
  /** The output's tangent; inputs that carry none get zeros. */
  jvp(inputs: readonly Tensor[], output: Tensor, tangents: readonly Tensor[], attrs: A): Tensor;
  /**
   * False when the rules are not built from ops (raw loops over the data): they give first-order
   * derivatives, but a trace cannot differentiate them again, so the engine refuses to try.
   */
  readonly higherOrder?: boolean;
}
