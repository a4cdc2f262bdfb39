/** The values a shrink tries first, in order: more than any others, these make a counterexample readable. */
const SIMPLE = [0, 1, -1, 0.5, -0.5, 2, -2];

/**
 * Accepted reals simpler than `x`, simplest first: `origin` (the point of the range nearest 0) and the
 * simple values, then `x` with fewer significant digits, rounded to nearest or toward 0. From a
 * simple value only earlier simple values are offered and every other step drops a digit, so every
 * chain of shrinks ends — at a short decimal, never at a denormal as repeated halving would.
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
  const digits = significantDigits(x);
  for (let d = 1; d < digits; d++) {
    for (const y of [Number(x.toPrecision(d)), truncate(x, d)]) if (significantDigits(y) < digits) yield* offer(y);
  }
}

function significantDigits(x: number): number {
  return x.toExponential().replace(/^-|\.|e.*$/g, '').length;
}

/** `x` with `d` significant decimal digits, cut toward zero (NaN where the scale overflows). */
function truncate(x: number, d: number): number {
  if (x === 0) return x;
  const exponent = Math.floor(Math.log10(Math.abs(x))) - d + 1;
  // a power of ten at or above 1 is exact, below 1 it is not: always multiply or divide by an exact one
  return exponent < 0 ? Math.trunc(x * 10 ** -exponent) / 10 ** -exponent : Math.trunc(x / 10 ** exponent) * 10 ** exponent;
}
