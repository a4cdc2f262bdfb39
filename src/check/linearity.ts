import { type Rng, Tensor, unravelIndex } from '../tensor/index.js';
import { comparisonOf, roundingTolerance } from './compare.js';
import { AROUND, type Context, aroundOutput, outputUnit, pushForward } from './context.js';
import { rootMeanSquare } from './space.js';
import { excessOf } from './ledger.js';
import type { Comparison } from './report.js';

/** A vector and its coefficient in a linear combination. */
export type Term = readonly [coefficient: number, vector: Float64Array];

/**
 * The size of the values around each entry of a derivative — the intermediates it was computed
 * from, which its own terms do not show — in units of `unit` (a power of two: outputs near
 * overflow stay finite).
 */
export interface Around {
  unit: number;
  of: (entry: number) => number;
}

/**
 * A derivative is linear in its probe: vjp(a·v₁ + b·v₂) = a·vjp(v₁) + b·vjp(v₂), and likewise the
 * jvp (see `opposite` for the probes). Basis cotangents cannot tell a vjp that uses |g|, clip(g), g² or g₀·g₁ from a linear one,
 * nor can basis tangents tell a secant jvp, f(x + u) − f(x), of a function linear along every
 * axis: random combinations can. Held to rounding, entry by entry — of the values combined, and
 * of the values around them (their share as in the finite differences' tolerance, see AROUND);
 * the failing entries (up to maxMismatches) and the closest to failing go to the ledger.
 */
export function compareLinearity(ctx: Context, quantity: 'vjp linearity' | 'jvp linearity', combined: Float64Array, [[a, v1], [b, v2]]: readonly [Term, Term], around: Around): void {
  const { space, output, settings, ledger } = ctx;
  const entries = quantity === 'vjp linearity' ? space.size : output.size;
  // the terms' parts c·v are taken where they are used, never written out: a 10⁶-entry vector each
  // rounding follows the size of the values around an entry, as the typical gradient does for
  // the finite differences (see Context.typical): here, every value of the combination. Sums are
  // taken in units of a power of two near the largest value, so that none overflows.
  const typical = rootMeanSquare([combined, v1, v2], 0, undefined, [1, a, b]);
  const unit = typical > 0 && Number.isFinite(typical) ? 2 ** Math.floor(Math.log2(typical)) : 1;
  const aroundInUnits = (around.unit / unit) * AROUND;
  // comparisons are made only of the entries reported: the failing ones, or else the closest to failing
  const failing: Comparison[] = [];
  let closest = { i: -1, excess: -1, expected: 0, tolerance: 0 };
  const compared = (i: number, expected: number, tolerance: number): Comparison => {
    const where = quantity === 'vjp linearity' ? { ...space.locate(i), quantity } : { input: null, index: [], output: unravelIndex(i, output.shape), quantity };
    return comparisonOf(where, combined[i]!, expected, tolerance);
  };
  // read once, not at each of 10⁶ entries
  const { tolerance: given, eps } = settings;
  const reported = Math.max(1, settings.maxMismatches);
  let closestExcess = -1;
  for (let i = 0; i < entries; i++) {
    // each term in units, as it is summed; |p/unit| is |p|/unit
    const p1 = (a * v1[i]!) / unit;
    const p2 = (b * v2[i]!) / unit;
    const scale = (Math.abs(combined[i]!) + typical) / unit + around.of(i) * aroundInUnits + Math.abs(p1) + Math.abs(p2);
    // summed from 0, as always: a −0 first term sums to +0
    const expected = (0 + p1 + p2) * unit;
    const tolerance = given ? given.atol + given.rtol * Math.abs(expected) : roundingTolerance(scale, eps) * unit;
    const absError = Math.abs(combined[i]! - expected);
    if (!(absError <= tolerance && Number.isFinite(tolerance))) {
      if (failing.length < reported) failing.push(compared(i, expected, tolerance));
      continue;
    }
    const excess = excessOf({ absError, tolerance });
    if (excess > closestExcess) {
      closestExcess = excess;
      closest = { i, excess, expected, tolerance };
    }
  }
  if (failing.length === 0 && closest.i >= 0) failing.push(compared(closest.i, closest.expected, closest.tolerance));
  for (const c of failing) ledger.add(c);
}

/**
 * A second probe for a linearity check: entries of the sign opposite to the first's, of random
 * magnitude between 1 and 2 (times `scale`, an entry's step scale for a tangent). With the first
 * probe and a combination of the two with weights a, 1 − a (a random in [¼, ¾)), every entry of
 * the derivative sees both signs and a value above 1: |g|, max(g, 0), g² and clip(g, ±1) break
 * linearity at every entry, whatever the draw.
 */
export function opposite(rng: Rng, first: Float64Array, scale?: Float64Array): Float64Array {
  const second = new Float64Array(first.length);
  for (let i = 0; i < first.length; i++) second[i] = -Math.sign(first[i]!) * (1 + rng.next()) * (scale ? scale[i]! : 1);
  return second;
}

/** a·v₁ + (1 − a)·v₂. */
function combination(a: number, v1: Float64Array, v2: Float64Array): Float64Array {
  const combined = new Float64Array(v1.length);
  for (let i = 0; i < v1.length; i++) combined[i] = a * v1[i]! + (1 - a) * v2[i]!;
  return combined;
}

function weight(rng: Rng): number {
  return 0.25 + 0.5 * rng.next();
}

/**
 * The vjp at a·v₁ + (1 − a)·v₂ for two cotangents already pulled back [v, vjp(v)], against
 * a·vjp(v₁) + (1 − a)·vjp(v₂). The values around an entry are those of ⟨|v|, |f|⟩ over the entry's
 * scale: what the intermediates nearest the output, of the cotangent's size, make of it (a saturated
 * softmax's vjp, p ⊙ (v − ⟨v, p⟩), is tiny and off by ε·|v|).
 */
export function vjpLinearity(ctx: Context, [v1, g1]: readonly [Float64Array, Float64Array], [v2, g2]: readonly [Float64Array, Float64Array]): void {
  const { space, target, output } = ctx;
  const a = weight(ctx.rng);
  const g = space.join(target.vjp(space.inputs, new Tensor(combination(a, v1, v2), output.shape), space.differentiable));
  const { unit, size } = aroundOutput(ctx, v1, { a, with: v2 });
  compareLinearity(ctx, 'vjp linearity', g, [[a, g1], [1 - a, g2]], { unit, of: (j) => size / space.scale[j]! });
  target.spares.give([g]);
}

/** The jvp at a·u₁ + (1 − a)·u₂, for a direction u₁ and one of opposite signs, against a·jvp(u₁) + (1 − a)·jvp(u₂). */
export function jvpLinearity(ctx: Context, u1: Float64Array): void {
  const u2 = opposite(ctx.rng, u1, ctx.space.scale);
  const a = weight(ctx.rng);
  const [p1, p2] = [pushForward(ctx, u1), pushForward(ctx, u2)];
  // directions are in units of each entry's scale: the values around an output entry are its own
  const output = ctx.output.data;
  const unit = outputUnit(ctx);
  compareLinearity(ctx, 'jvp linearity', pushForward(ctx, combination(a, u1, u2)), [[a, p1], [1 - a, p2]], { unit, of: (i) => Math.abs(output[i]!) / unit });
}

