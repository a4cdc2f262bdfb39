/**
 * Exponents of doubles read off their bits, and powers of two looked up: what Math.floor(Math.log2(x))
 * and 2 ** e give, to the last bit, without a logarithm or a power — the checker takes them per
 * input entry (step scales, exact steps) and per output entry (the unit its samples are scaled by).
 */

/** 2^e for every e from the smallest subnormal's exponent to the largest normal's, at index e + 1074. */
const POWERS = Float64Array.from({ length: 1074 + 1024 }, (_, i) => 2 ** (i - 1074));

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The index of the 32-bit word holding a double's sign and exponent: 1 on little-endian machines. */
const HIGH = ((bits[0] = 1), words[1] === 0x3ff00000 ? 1 : 0);

/**
 * Math.floor(Math.log2(x)), the same number for every x. A positive normal double's biased exponent
 * is its floor(log2) — except just below a power of two, where Math.log2 rounds up to the next
 * integer (log2 of 1023.9999999999999 is 10): there, and for anything not positive and normal,
 * Math.log2 is asked as before.
 */
export function floorLog2(x: number): number {
  bits[0] = x;
  return fromHighWord(words[HIGH]!, x);
}

/**
 * floorLog2(|data[i]|), read off the entry's own bits (`high`: highWords(data)): nothing is
 * written, so the read never waits on a store of the double it reads.
 */
function floorLog2At(data: Float64Array, high: Uint32Array, i: number): number {
  return fromHighWord(high[2 * i + HIGH]! & 0x7fffffff, Math.abs(data[i]!));
}

/** A Float64Array's entries as 32-bit words, in place: entry i's sign and exponent are in word 2i + HIGH (see floorLog2At). */
export function highWords(data: Float64Array): Uint32Array {
  return new Uint32Array(data.buffer, data.byteOffset, 2 * data.length);
}

/** floorLog2(x) from the word of x holding its sign and exponent. */
function fromHighWord(high: number, x: number): number {
  const biased = high >>> 20;
  // sign bit clear (biased < 0x800), normal (0 < biased < 0x7ff), and not within 2^-20 below 2^(e+1)
  return biased > 0 && biased < 0x7ff && (high & 0xfffff) !== 0xfffff ? biased - 1023 : Math.floor(Math.log2(x));
}

/**
 * 2 ** e for a whole number e, the same number: looked up where 2^e is a nonzero finite double
 * (built from its bits, written as two words and read back as one double, it cost more than the
 * rest of an entry's step).
 */
export function powerOfTwo(e: number): number {
  return POWERS[e + 1074] ?? 2 ** e;
}

/**
 * The power of two at or below x > 0 (as Math.log2 reads it). Compositions of this file's functions
 * live here: V8 runs floorLog2 and powerOfTwo composed at a call site in another module several
 * times slower than composed here.
 */
export function powerOfTwoBelow(x: number): number {
  return powerOfTwo(floorLog2(x));
}

/** The smallest positive double, 2^-1074. */
const SMALLEST = Number.MIN_VALUE;

/** The spacing of floating-point values at x, for a format with this many mantissa bits. */
export function ulp(x: number, mantissaBits: number): number {
  return x === 0 ? 0 : spacing(floorLog2(Math.abs(x)), mantissaBits);
}

/** ulp(data[i]) of a nonzero entry, its exponent read in place (`high`: highWords(data)). */
export function ulpAt(data: Float64Array, high: Uint32Array, i: number, mantissaBits: number): number {
  return spacing(floorLog2At(data, high, i), mantissaBits);
}

/** The spacing of values with this exponent, never below the smallest double. */
function spacing(exponent: number, mantissaBits: number): number {
  return Math.max(powerOfTwo(exponent - mantissaBits), SMALLEST);
}
