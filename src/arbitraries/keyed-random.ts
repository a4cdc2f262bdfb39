/**
 * Random numbers keyed by a seed and a position. A tensor's entry at index (i, j) is drawn from
 * `keyedUnits(seed, [i, j])`, so when a shrink cuts the shape down (or fast-check regenerates the
 * tensor for a smaller shape) the entries at the positions that remain keep their values.
 */
export function keyedUnits(seed: number, key: readonly number[] = []): () => number {
  let state = mix(seed);
  for (const coordinate of key) state = mix(state ^ mix(coordinate + GOLDEN));
  let counter = 0;
  const word = (): number => mix(state + Math.imul(++counter, GOLDEN));
  // 53 random bits, as fast-check's own doubles: 27 high and 26 low
  return () => ((word() >>> 5) * 2 ** 26 + (word() >>> 6)) / 2 ** 53;
}

/** A 32-bit seed for `keyedUnits`, taken from fast-check's random stream. */
export function drawSeed(mrng: { nextInt(min: number, max: number): number }): number {
  return mrng.nextInt(-(2 ** 31), 2 ** 31 - 1);
}

const GOLDEN = 0x9e3779b9;

/** MurmurHash3's finalizer: every input bit flips about half of the output bits. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An integer in [min, max], both included, from a uniform number in [0, 1). */
export function intBetween(units: () => number, min: number, max: number): number {
  return min + Math.floor(units() * (max - min + 1));
}
