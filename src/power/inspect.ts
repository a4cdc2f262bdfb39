import { magnitudeLabel } from '../arbitraries/index.js';
import type { Case } from '../laws/index.js';
import { Tensor, shapesEqual } from '../tensor/index.js';

/**
 * Weaknesses that show in the generated inputs themselves, read off every case a run drew: inputs
 * that never vary within a tensor, never differ from each other, never go negative where the target
 * is defined, ids that never repeat, entries that are all tiny, a batch that is always 1.
 */
export function degenerateInputs(cases: readonly Case[]): string[] {
  const first = cases[0];
  if (!first) return [];
  const fixed = new Set(first.target.nondifferentiable ?? []);
  const positions = first.inputs.map((_, k) => k);
  const differentiable = positions.filter((k) => !fixed.has(k));
  const every = (test: (c: Case) => boolean) => cases.every(test);
  const n = `${cases.length} case${cases.length === 1 ? '' : 's'}`;
  const weaknesses: string[] = [];

  const varying = differentiable.filter((k) => cases.some((c) => c.inputs[k]!.size > 1));
  const allOnes = varying.filter((k) => every((c) => c.inputs[k]!.data.every((x) => x === 1)));
  const constant = varying.filter((k) => !allOnes.includes(k) && every((c) => c.inputs[k]!.data.every((x) => x === c.inputs[k]!.data[0])));
  const batchOfOne = differentiable.filter((k) => every((c) => c.inputs[k]!.rank >= 2 && c.inputs[k]!.shape[0] === 1));
  if (allOnes.length > 0) {
    weaknesses.push(`${listed(allOnes, 'is', 'are')} all ones in every one of ${n}: a missing transpose, a swapped index or a dropped term can hide behind inputs that look the same from every side — draw entries at random (tensorOf, uniformReal)`);
  }
  if (constant.length > 0) {
    weaknesses.push(`${listed(constant, 'is', 'are')} constant (all entries equal) in every one of ${n}: symmetric inputs hide transposes and index slips — draw entries at random`);
  }
  if (batchOfOne.length > 0) {
    weaknesses.push(`${listed(batchOfOne, 'has', 'have')} a leading axis of size 1 in every one of ${n} (a batch of one): a gradient not summed over the batch, or missing its 1/batch, cannot show — generate the batch size`);
  }
  for (const k of differentiable) {
    for (const l of differentiable.filter((j) => j > k)) {
      const same = (c: Case) => shapesEqual(c.inputs[k]!.shape, c.inputs[l]!.shape);
      if (cases.some(same) && every((c) => !same(c) || c.inputs[k]!.data.every((x, i) => x === c.inputs[l]!.data[i]))) {
        weaknesses.push(`inputs ${k} and ${l} are equal in every one of ${n}: their gradients could be swapped unseen — draw them independently`);
      }
    }
  }
  if (differentiable.length > 0 && every((c) => differentiable.every((k) => c.inputs[k]!.data.every((x) => x >= 0))) && definedAtNegated(first, differentiable)) {
    weaknesses.push(`no entry is negative in any of ${n}, though the target is defined there: a derivative wrong only for negative inputs (a leaky slope, an ELU branch) passes — draw values of both signs`);
  }
  if (every((c) => magnitudeLabel(differentiable.map((k) => c.inputs[k]!)) === '<1e-3')) {
    weaknesses.push(`every entry is below 1e-3 in magnitude in all ${n}: near 0 most layers are nearly linear, so a wrong curvature term (tanh′, σ′ from the wrong value) hardly shows — draw values of order 1`);
  }
  for (const k of positions.filter((j) => fixed.has(j))) {
    const ids = (c: Case) => c.inputs[k]!.data;
    if (every((c) => ids(c).every(Number.isInteger)) && every((c) => new Set(ids(c)).size === ids(c).length)) {
      weaknesses.push(`the ids in input ${k} never repeat in any of ${n}: a backward that assigns where it should accumulate (an embedding's dE[ids] = g) passes — draw ids that repeat (arbitraries' ids() does)`);
    }
  }
  return weaknesses;
}

/** Whether the target gives a finite output with every differentiable input negated (so negatives are in its domain). */
function definedAtNegated(c: Case, differentiable: readonly number[]): boolean {
  const negated = c.inputs.map((x, k) => (differentiable.includes(k) ? new Tensor(x.data.map((v) => -v), x.shape) : x));
  try {
    return c.target.forward(negated).data.every(Number.isFinite);
  } catch {
    return false;
  }
}

/** "input 2 is" or "inputs 0, 1 and 2 are": positions and the verb that agrees with them. */
function listed(positions: readonly number[], singular: string, plural: string): string {
  if (positions.length === 1) return `input ${positions[0]} ${singular}`;
  return `inputs ${positions.slice(0, -1).join(', ')} and ${positions.at(-1)} ${plural}`;
}
