/**
 * Exponents of doubles read off their bits: what Math.floor(Math.log2(x)) and 2 ** e give, to the
 * last bit, without a logarithm or a power — the checker takes them per input entry (step scales,
 * exact steps) and per output entry (the unit its samples are scaled by).
 */

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
  const high = words[HIGH]!;
  const biased = high >>> 20;
  // sign bit clear (biased < 0x800), normal (0 < biased < 0x7ff), and not within 2^-20 below 2^(e+1)
  return biased > 0 && biased < 0x7ff && (high & 0xfffff) !== 0xfffff ? biased - 1023 : Math.floor(Math.log2(x));
}

/** 2 ** e for a whole number e, the same number: built from its bits where it is a normal double. */
export function powerOfTwo(e: number): number {
  if (!(e >= -1022 && e <= 1023)) return 2 ** e;
  words[HIGH] = (e + 1023) << 20;
  words[1 - HIGH] = 0;
  return bits[0]!;
}
