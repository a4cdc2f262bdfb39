import { type Analytic, type Context, compareAlong, perUnit } from './context.js';
import { excessOf } from './ledger.js';
import type { Comparison } from './report.js';

/** Up to this many entries, a bisection that finds nothing is followed by a look at every entry. */
const EXHAUSTIVE_LIMIT = 1024;

/**
 * Find the entries behind a disagreement along a random direction, up to `limit` of them. Small
 * inputs are checked entry by entry; larger ones by bisecting the direction's support and
 * following every half that still disagrees — O(log n) directional derivatives per wrong entry.
 * Says how many disagreeing entries it found, whether it followed every disagreeing half to its
 * entries (false when the limit stopped it), and whether it looked at every entry.
 */
export function localise(
  ctx: Context,
  direction: Float64Array,
  cotangent: Float64Array,
  analytic: Analytic,
  quantity: Comparison['quantity'],
  limit: number,
): { found: number; complete: boolean; exhaustive: boolean } {
  const { space, settings, ledger } = ctx;
  let found = 0;
  const entry = (position: number): Comparison => {
    const basis = space.basis(position);
    const where = { ...space.locate(position), quantity };
    const comparison = ledger.add(perUnit(compareAlong(ctx, basis, cotangent, analytic, where), basis[position]!));
    if (comparison.verdict !== 'agree') found++;
    return comparison;
  };

  const everyEntry = () => {
    for (let position = 0; position < space.size; position++) {
      if (found >= limit) return { found, complete: false, exhaustive: false };
      entry(position);
    }
    return { found, complete: true, exhaustive: true };
  };
  if (space.size <= settings.entrywiseLimit) return everyEntry();
  const pending: [number, number][] = [[0, space.size]];
  while (pending.length > 0) {
    if (found >= limit) return { found, complete: false, exhaustive: false };
    const [lo, hi] = pending.pop()!;
    const mid = (lo + hi) >> 1;
    const halves = ([[lo, mid], [mid, hi]] as const).map(([a, b]) => {
      const part = direction.map((d, i) => (i >= a && i < b ? d : 0));
      const comparison = b - a === 1 ? entry(a) : compareAlong(ctx, part, cotangent, analytic, { input: null, index: [], quantity });
      return { range: [a, b] as const, comparison, open: b - a > 1 };
    });
    // Follow every half that disagrees. When neither does — the error was near the tolerance, and
    // a half's tolerance does not shrink with it — follow the closer one: an entry's own tolerance
    // is tighter, and it decides.
    const disagreeing = halves.filter((h) => h.comparison.verdict !== 'agree');
    const open = halves.filter((h) => h.open);
    const next = disagreeing.length > 0 ? disagreeing.filter((h) => h.open) : open.length > 0 ? [mostExcessive(open)] : [];
    for (const h of next.reverse()) pending.push([...h.range]);
  }
  // an error near the tolerance can lose its way down the halves: only entries settle it
  if (found === 0 && space.size <= EXHAUSTIVE_LIMIT) return everyEntry();
  return { found, complete: true, exhaustive: false };
}

function mostExcessive<T extends { comparison: Comparison }>(halves: readonly T[]): T {
  return halves.reduce((a, b) => (excessOf(b.comparison) > excessOf(a.comparison) ? b : a));
}
