import { type Differentiable, randomProbe } from '../check/index.js';
import { type Rng, type Tensor, zeros } from '../tensor/index.js';

/** Input positions the target does not differentiate. */
export function fixedInputs(target: Differentiable): Set<number> {
  return new Set(target.nondifferentiable ?? []);
}

/** Random tangents for the differentiable inputs, zeros for the others. */
export function randomTangents(target: Differentiable, inputs: readonly Tensor[], rng: Rng): Tensor[] {
  const fixed = fixedInputs(target);
  return inputs.map((x, k) => (fixed.has(k) ? zeros(x.shape) : randomProbe(rng, x.shape)));
}

/** Σ_k ⟨a_k, b_k⟩ over the positions not skipped, and the size of its terms. */
export function pairing(a: readonly Tensor[], b: readonly Tensor[], skip: ReadonlySet<number> = new Set()): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  a.forEach((t, k) => {
    if (skip.has(k)) return;
    t.data.forEach((x, i) => {
      value += x * b[k]!.data[i]!;
      scale += Math.abs(x * b[k]!.data[i]!);
    });
  });
  return { value, scale };
}
