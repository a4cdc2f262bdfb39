/**
 * floorLog2 and powerOfTwo stand in for Math.floor(Math.log2(x)) and 2 ** e in the checker's
 * per-entry work, and must give the very same numbers — or every step and scale would move. So must
 * what is composed of them, an entry's exponent read in place included.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { floorLog2, highWords, powerOfTwo, powerOfTwoBelow, ulp, ulpAt } from './binary.js';

const reference = (x: number) => Math.floor(Math.log2(x));
const same = (x: number) => expect(Object.is(floorLog2(x), reference(x)), `floorLog2(${x}) = ${floorLog2(x)}, Math.log2 says ${reference(x)}`).toBe(true);

test('floorLog2 is Math.floor(Math.log2(x)) at every power of two, a hair either side of it, and at the edges', () => {
  for (let e = -1074; e <= 1023; e++) {
    const p = 2 ** e;
    for (const x of [p, p * (1 - 2 ** -53), p * (1 + 2 ** -52), p * (1 - 2 ** -21), p * (1 - 2 ** -19), p * 1.5]) same(x);
  }
  for (const x of [0, -0, -1, -(2 ** -1074), Infinity, -Infinity, NaN, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** -1022 * (1 - 2 ** -52)]) same(x);
});

test('floorLog2 is Math.floor(Math.log2(x)) on any double', () => {
  fc.assert(fc.property(fc.double({ noNaN: false }), (x) => { same(x); }), { numRuns: 5_000 });
  fc.assert(fc.property(fc.double({ min: 2 ** -30, max: 2 ** 30, noNaN: true }), (x) => { same(x); }), { numRuns: 5_000 });
});

test('powerOfTwo is 2 ** e for every whole e, beyond the normal range too', () => {
  for (let e = -1100; e <= 1030; e++) expect(Object.is(powerOfTwo(e), 2 ** e), `e = ${e}`).toBe(true);
  for (const e of [-Infinity, Infinity, NaN]) expect(Object.is(powerOfTwo(e), 2 ** e)).toBe(true);
});

/** Every power of two, a hair either side of it, and the doubles at the edges, of both signs. */
const edges = (() => {
  const xs: number[] = [];
  for (let e = -1074; e <= 1023; e++) {
    const p = 2 ** e;
    xs.push(p, p * (1 - 2 ** -53), p * (1 + 2 ** -52), p * (1 - 2 ** -21), p * (1 - 2 ** -19), p * 1.5);
  }
  xs.push(Infinity, NaN, Number.MAX_VALUE, 2 ** -1022 * (1 - 2 ** -52), 1023.9999999999999, 300.1);
  return [...xs, ...xs.map((x) => -x)];
})();

test('powerOfTwoBelow is 2 ** Math.floor(Math.log2(x))', () => {
  expect(edges.filter((x) => x > 0 && !Object.is(powerOfTwoBelow(x), 2 ** reference(x)))).toEqual([]);
});

test.each([52, 23])('ulp, and ulp of an entry read in place, are 2^(floor(log2|x|) − %i), at least the smallest double', (mantissaBits) => {
  const expected = (x: number) => (x === 0 ? 0 : Math.max(2 ** (reference(Math.abs(x)) - mantissaBits), Number.MIN_VALUE));
  const random = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 5_000, seed: Number(process.env.GRADPROP_SEED ?? 1) });
  const data = Float64Array.from([...edges, ...random, 0, -0]);
  const high = highWords(data);
  const wrong: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (!Object.is(ulp(x, mantissaBits), expected(x))) wrong.push(`ulp(${x}) = ${ulp(x, mantissaBits)}`);
    if (x !== 0 && !Object.is(ulpAt(data, high, i, mantissaBits), expected(x))) wrong.push(`ulpAt(${x}) = ${ulpAt(data, high, i, mantissaBits)}`);
  }
  expect(wrong, `expected ${expected(Number(wrong[0]?.match(/\((.*)\)/)?.[1]))}`).toEqual([]);
});

test('an entry is read in place wherever its array starts in its buffer', () => {
  const buffer = new Float64Array([7, 0.75, -3e-310, 1e300]);
  const data = buffer.subarray(1);
  const high = highWords(data);
  expect([0, 1, 2].map((i) => ulpAt(data, high, i, 52))).toEqual([2 ** -53, Number.MIN_VALUE, 2 ** (996 - 52)]);
});
