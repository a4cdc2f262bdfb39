import type { Arbitrary } from 'fast-check';
import type { ValueSpec } from '../ops/domain.js';
import { type Entries, EntryArbitrary } from './entries.js';
import { intBetween } from './keyed-random.js';
import { DEFAULT_KINK_MARGIN, clearIntervals } from './kinks.js';
import { simplerReals } from './simpler.js';

/** Which reals uniformReal draws: the range, values to avoid and how far, and values at kinks and edges. */
export interface RealSpec extends ValueSpec {
  /** The gap kept around each `avoid` value, see DEFAULT_KINK_MARGIN (1e-3) for its exact meaning. */
  kinkMargin?: number;
  /** Put this fraction of values exactly at an `avoid` value in range (true: 0.1), for 'nonsmooth' verdicts. */
  atKinks?: boolean | number;
  /** Mix in this fraction of edge values (true: 0.1): 0, ±1, ±1e-300, ±1e300, min and max, clamped into range. */
  edges?: boolean | number;
}

/** Without a range, values fall in [-3, 3]: past the knee of tanh and sigmoid, short of overflowing exp. */
const HALF_WIDTH = 3;
const EDGES = [0, 1, -1, 1e-300, -1e-300, 1e300, -1e300];

/**
 * Reals uniform over [min, max] by length — not over representable doubles, as `fc.double` is, which
 * puts two thirds of [-1, 1] below 1e-100 — minus the kink margins, with the edge values and kink
 * values mixed in at their rates. Shrinks toward 0, ±1, ±0.5 and short decimals.
 */
export function uniformReal(spec: RealSpec = {}): Arbitrary<number> {
  return new EntryArbitrary(reals(spec));
}

export function reals(spec: RealSpec = {}): Entries {
  const min = spec.min ?? (spec.max ?? HALF_WIDTH) - 2 * HALF_WIDTH;
  const max = spec.max ?? min + 2 * HALF_WIDTH;
  if (!(Number.isFinite(max - min) && min <= max)) throw new RangeError(`reals: expected a finite range min <= max, got [${min}, ${max}]`);
  const clear = clearIntervals(min, max, spec.avoid ?? [], spec.kinkMargin ?? DEFAULT_KINK_MARGIN);
  const kinks = spec.atKinks ? (spec.avoid ?? []).filter((at) => at >= min && at <= max) : [];
  const accepts = (x: number): boolean => clear.some(([low, high]) => x >= low && x <= high) || kinks.includes(x);
  if (clear.length === 0 && kinks.length === 0) {
    throw new RangeError(`reals: no value in [${min}, ${max}] is clear of the kinks ${JSON.stringify(spec.avoid)}`);
  }
  const edges = spec.edges ? [...new Set(EDGES.map((x) => Math.min(max, Math.max(min, x))))].filter(accepts) : [];
  const kinkRate = clear.length === 0 ? 1 : rate(spec.atKinks);
  const edgeRate = rate(spec.edges);
  const origin = Math.min(max, Math.max(min, 0));
  return {
    draw(units) {
      const roll = units();
      if (roll < kinkRate && kinks.length > 0) return pick(kinks, units);
      if (roll < kinkRate + edgeRate && edges.length > 0) return pick(edges, units);
      return uniformOver(clear, units());
    },
    accepts,
    simpler: (x) => simplerReals(x, accepts, origin),
  };
}

function rate(option: boolean | number | undefined): number {
  return option === true ? 0.1 : option || 0;
}

function pick(choices: readonly number[], units: () => number): number {
  return choices[intBetween(units, 0, choices.length - 1)]!;
}

/** The point at fraction `u` of the total length of the intervals (a point interval when all have none). */
function uniformOver(intervals: readonly [number, number][], u: number): number {
  const total = intervals.reduce((sum, [low, high]) => sum + (high - low), 0);
  if (total === 0) return intervals[Math.floor(u * intervals.length)]![0];
  let offset = u * total;
  for (const [low, high] of intervals) {
    if (offset < high - low) return Math.min(high, low + offset);
    offset -= high - low;
  }
  return intervals.at(-1)![1];
}
