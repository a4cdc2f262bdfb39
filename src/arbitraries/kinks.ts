/**
 * The default kink margin. A kink at `a` keeps values out of the open interval (a − m, a + m) with
 * m = kinkMargin · max(1, |a|): absolute near zero, relative for large kinks — the way a
 * finite-difference step scales — so a central difference around a value never straddles the kink.
 */
export const DEFAULT_KINK_MARGIN = 1e-3;

/** The half-width of the gap kept around a kink at `at` (see DEFAULT_KINK_MARGIN). */
export function kinkRadius(at: number, kinkMargin: number): number {
  return kinkMargin * Math.max(1, Math.abs(at));
}

/** [min, max] without the margin around each kink, as sorted closed intervals (possibly none). */
export function clearIntervals(min: number, max: number, kinks: readonly number[], kinkMargin: number): [number, number][] {
  let intervals: [number, number][] = min <= max ? [[min, max]] : [];
  for (const at of kinks) {
    const radius = kinkRadius(at, kinkMargin);
    const [gapLow, gapHigh] = [at - radius, at + radius];
    intervals = intervals.flatMap(([low, high]): [number, number][] => {
      if (high <= gapLow || low >= gapHigh) return [[low, high]];
      const pieces: [number, number][] = [];
      if (low <= gapLow) pieces.push([low, gapLow]);
      if (gapHigh <= high) pieces.push([gapHigh, high]);
      return pieces;
    });
  }
  return intervals;
}
