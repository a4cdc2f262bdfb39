import type { Tensor } from '../tensor/index.js';

/** What the checker checks: anything with a forward and a backward. */
export interface Differentiable {
  name: string;
  /**
   * The output at these inputs; must not modify them. Inputs moved to a nearby point are the
   * target's for that call only: one it keeps is detached (emptied, never changed) once the checker
   * moves the inputs again, whose memory it reuses — copy what is needed later.
   */
  forward(inputs: readonly Tensor[]): Tensor;
  /** One gradient per input, each of its input's shape: the cotangent pulled back through forward. */
  vjp(inputs: readonly Tensor[], cotangent: Tensor): Tensor[];
  /** The tangents pushed forward: J·t, of the output's shape. */
  jvp?(inputs: readonly Tensor[], tangents: readonly Tensor[]): Tensor;
  /** Input positions that are not differentiated (integer ids, targets). */
  nondifferentiable?: readonly number[];
  /**
   * Second order: the vjp itself as a Differentiable. Its inputs are [...inputs, cotangent]; its
   * output is the vjp's gradients for the differentiable inputs, flattened and joined in input
   * order (a vector); its vjp is the second-order rule (and its jvp, if any, forward over reverse).
   * Its nondifferentiable positions are this target's. `checkGradients(target, inputs, { order: 2 })`
   * checks it like any target: its vjp against finite differences of this target's vjp.
   */
  vjpTarget?(): Differentiable;
}
