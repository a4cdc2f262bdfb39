import { type Analytic, type Context, compareAlong, perUnit } from './context.js';
import type { Comparison } from './report.js';

/**
 * Find the entries behind a disagreement along a random direction. Small inputs are checked entry
 * by entry; larger ones by bisecting the direction's support and following every half that still
 * disagrees — O(log n) directional derivatives per wrong entry. Returns whether every disagreeing
 * half was followed to its entries (false when the mismatch limit stopped the search).
 */
export function localise(
  ctx: Context,
  direction: Float64Array,
  cotangent: Float64Array,
  analytic: Analytic,
  quantity: Comparison['quantity'],
): boolean {
  const { space, settings, ledger } = ctx;
  const entry = (position: number): Comparison => {
    const basis = space.basis(position);
    const where = { ...space.locate(position), quantity };
    return ledger.add(perUnit(compareAlong(ctx, basis, cotangent, analytic, where), basis[position]!));
  };
  const found = () => ledger.mismatches.filter((c) => c.input !== null).length;

  if (space.size <= settings.entrywiseLimit) {
    for (let position = 0; position < space.size; position++) entry(position);
    return true;
  }
  const pending: [number, number][] = [[0, space.size]];
  while (pending.length > 0) {
    if (found() >= settings.maxMismatches) return false;
    const [lo, hi] = pending.pop()!;
    const mid = (lo + hi) >> 1;
    for (const [a, b] of [[mid, hi], [lo, mid]] as const) {
      if (b - a === 1) {
        entry(a);
        continue;
      }
      const part = direction.map((d, i) => (i >= a && i < b ? d : 0));
      const half = compareAlong(ctx, part, cotangent, analytic, { input: null, index: [], quantity });
      if (half.verdict !== 'agree') pending.push([a, b]);
    }
  }
  return true;
}
