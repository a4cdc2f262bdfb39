/** The values a shrink tries first, in order; more than any others, these make a counterexample readable. */
const SIMPLE = [0, 1, -1, 0.5, -0.5, 2, -2];

/**
 * Accepted reals simpler than `x`, simplest first: `origin` (the point of the range nearest 0) and the
 * simple values; then `x` cut to fewer significant digits; then halfway to `origin`. From a simple
 * value only earlier simple values are offered, and every other step comes strictly closer to
 * `origin`, so every chain of shrinks ends.
 */
export function* simplerReals(x: number, accepts: (y: number) => boolean, origin: number): Generator<number> {
  const simple = [...new Set([origin, ...SIMPLE])];
  const rank = simple.indexOf(x);
  const offered = new Set([x]);
  function* offer(y: number): Generator<number> {
    if (offered.has(y) || !accepts(y)) return;
    offered.add(y);
    yield y;
  }
  for (const y of rank === -1 ? simple : simple.slice(0, rank)) yield* offer(y);
  if (rank !== -1) return;
  const closer = (y: number): boolean => Math.abs(y - origin) < Math.abs(x - origin);
  for (let digits = 1; digits <= 17; digits++) {
    const y = truncate(x, digits);
    if (closer(y)) yield* offer(y);
  }
  const halfway = origin + (x - origin) / 2;
  if (closer(halfway)) yield* offer(halfway);
}

/** `x` with `digits` significant decimal digits, cut toward zero (NaN where the scale overflows). */
function truncate(x: number, digits: number): number {
  if (x === 0) return x;
  const exponent = Math.floor(Math.log10(Math.abs(x))) - digits + 1;
  // a power of ten at or above 1 is exact, below 1 it is not: always multiply or divide by an exact one
  return exponent < 0 ? Math.trunc(x * 10 ** -exponent) / 10 ** -exponent : Math.trunc(x / 10 ** exponent) * 10 ** exponent;
}
