import { type Context, type Disagreement, perUnit } from './context.js';
import { excessOf } from './ledger.js';
import type { Comparison } from './report.js';

/** Up to this many entries, a bisection that finds nothing is followed by a look at every entry. */
const EXHAUSTIVE_LIMIT = 1024;

/**
 * Entries on kinks, jumps or where the steps resolve nothing are followed down to themselves, so
 * that the entries beside them are still judged on their own; past this many, what is left is
 * judged as one projection.
 */
export const UNCLEAN_LIMIT = 64;

export interface Localised {
  /** Entries that failed. */
  failures: number;
  /** Entries, or parts of the direction, found on a kink or a jump (whatever their verdict: see atKink). */
  kinks: number;
  /** Every disagreeing half was followed to its entries: false when `limit` failures stopped the search. */
  complete: boolean;
  /** Every entry was judged, on its own or in a part that agreed. */
  covered: boolean;
  /** The entries left when UNCLEAN_LIMIT was reached, judged as one projection (input null). */
  rest?: Comparison;
}

/**
 * Find the entries behind a disagreement along a random direction: those that fail, up to `limit`,
 * and those that sit on a kink or a jump or that the steps cannot resolve — a projection across
 * one of those says nothing of the others, so the search goes down to them and judges the rest
 * apart from them. Small inputs are checked entry by entry; larger ones by bisecting the
 * direction's support and following every half that does not agree — O(log n) directional
 * derivatives per such entry.
 */
export function localise(ctx: Context, disagreement: Disagreement, limit: number): Localised {
  const { comparison: probe, direction } = disagreement;
  const { space, settings, ledger, judging } = ctx;
  const quantity = probe.quantity;
  let failures = 0;
  let unclean = 0;
  let kinks = 0;
  const entry = (position: number): Comparison => {
    const basis = judging.basis(ctx, position);
    const where = { ...space.locate(position), quantity };
    const comparison = ledger.add(perUnit(judging.along(ctx, basis, disagreement, where), basis[position]!));
    if (comparison.verdict === 'fail') failures++;
    else if (comparison.verdict !== 'agree') unclean++;
    if (atKink(comparison)) kinks++;
    return comparison;
  };
  const along = (ranges: readonly (readonly [number, number])[]) => {
    const part = new Float64Array(direction.length);
    for (const [a, b] of ranges) part.set(direction.subarray(a, b), a);
    const comparison = judging.along(ctx, part, disagreement, { input: null, index: [], quantity }, false);
    if (atKink(comparison)) kinks++;
    return comparison;
  };

  const everyEntry = (): Localised => {
    for (let position = 0; position < space.size; position++) {
      if (failures >= limit) return { failures, kinks, complete: false, covered: false };
      entry(position);
    }
    return { failures, kinks, complete: true, covered: true };
  };
  if (space.size <= settings.entrywiseLimit) return everyEntry();
  const pending: [number, number, Comparison['verdict']][] = [[0, space.size, probe.verdict]];
  while (pending.length > 0) {
    if (failures >= limit) return { failures, kinks, complete: false, covered: false };
    if (unclean >= UNCLEAN_LIMIT) {
      const rest = ledger.add(along(pending.map(([a, b]) => [a, b] as const)));
      return { failures: failures + Number(rest.verdict === 'fail'), kinks, complete: true, covered: true, rest };
    }
    const [lo, hi, verdict] = pending.pop()!;
    const mid = (lo + hi) >> 1;
    const halves = ([[lo, mid], [mid, hi]] as const).map(([a, b]) => ({
      range: [a, b] as const,
      comparison: b - a === 1 ? entry(a) : along([[a, b]]),
      open: b - a > 1,
    }));
    // Follow every half that does not agree (that the judging follows). When a failure shows in neither — the error was near
    // the tolerance, and a half's tolerance does not shrink with it — follow the closer one: an
    // entry's own tolerance is tighter, and it decides.
    const disagreeing = halves.filter((h) => judging.follows(h.comparison));
    const open = halves.filter((h) => h.open);
    const next = disagreeing.length > 0 ? disagreeing.filter((h) => h.open) : verdict === 'fail' && open.length > 0 ? [mostExcessive(open)] : [];
    for (const h of next.reverse()) pending.push([...h.range, h.comparison.verdict]);
  }
  // an error near the tolerance can lose its way down the halves: only entries settle it
  // (unless the probe is evidence on its own: then it stands for an error spread too thinly to show in any entry)
  if (probe.verdict === 'fail' && failures === 0 && space.size <= EXHAUSTIVE_LIMIT && !judging.projectionsStand) return everyEntry();
  return { failures, kinks, complete: true, covered: probe.verdict !== 'fail' || failures > 0 };
}

/** A comparison that found the input on a kink or a jump: nonsmooth, or failed beyond its one-sided slopes. */
export function atKink(comparison: Comparison): boolean {
  return comparison.verdict === 'nonsmooth' || comparison.oneSided !== undefined;
}

function mostExcessive<T extends { comparison: Comparison }>(halves: readonly T[]): T {
  return halves.reduce((a, b) => (excessOf(b.comparison) > excessOf(a.comparison) ? b : a));
}
