/**
 * floorLog2 and powerOfTwo stand in for Math.floor(Math.log2(x)) and 2 ** e in the checker's
 * per-entry work, and must give the very same numbers — or every step and scale would move.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { floorLog2, powerOfTwo } from './binary.js';

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
