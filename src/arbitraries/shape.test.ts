import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShapeSpec } from '../ops/domain.js';
import { shape } from './shape.js';
import { shrunk } from './test-support.js';

const shapes = (spec?: ShapeSpec, numRuns = 2000): number[][] => fc.sample(shape(spec), { seed: 1, numRuns });


describe('shape', () => {
  it.each<[ShapeSpec, Required<ShapeSpec>]>([
    [{}, { minRank: 0, maxRank: 3, minSide: 1, maxSide: 4 }],
    [{ minRank: 2, maxRank: 2, minSide: 3, maxSide: 5 }, { minRank: 2, maxRank: 2, minSide: 3, maxSide: 5 }],
    [{ maxRank: 1, maxSide: 1 }, { minRank: 0, maxRank: 1, minSide: 1, maxSide: 1 }],
    [{ minRank: 4 }, { minRank: 4, maxRank: 4, minSide: 1, maxSide: 4 }],
    [{ minSide: 0, maxSide: 2 }, { minRank: 0, maxRank: 3, minSide: 0, maxSide: 2 }],
  ])('respects %j, and reaches every rank and side it allows', (spec, { minRank, maxRank, minSide, maxSide }) => {
    const drawn = shapes(spec);
    const ranks = new Set(drawn.map((s) => s.length));
    const sides = new Set(drawn.flat());
    expect([...ranks].sort()).toEqual(Array.from({ length: maxRank - minRank + 1 }, (_, i) => minRank + i));
    if (maxRank > 0) expect([...sides].sort()).toEqual(Array.from({ length: maxSide - minSide + 1 }, (_, i) => minSide + i));
  });

  it('refuses bounds that cross', () => {
    expect(() => shape({ minRank: 3, maxRank: 2 })).toThrow(RangeError);
    expect(() => shape({ minSide: -1 })).toThrow(RangeError);
  });

  it('draws size-1 sides often: over 40% of sides, against 25% for sides uniform in 1..4', () => {
    const onesIn = (drawn: number[][]): number => drawn.flat().filter((side) => side === 1).length / drawn.flat().length;
    expect(onesIn(shapes())).toBeGreaterThan(0.4);
    const uniform = fc.sample(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }), { seed: 1, numRuns: 2000 });
    expect(onesIn(uniform)).toBeLessThan(0.3);
  });

  it.each([1, 2, 3, 4, 5])('shrinks toward fewer axes and smaller sides (seed %i)', (seed) => {
    expect(shrunk(shape(), (s) => s.length < 2, seed)).toEqual([1, 1]);
    expect(shrunk(shape(), (s) => s.every((side) => side < 3), seed)).toEqual([3]);
    expect(shrunk(shape({ minRank: 2 }), (s) => s.every((side) => side < 3), seed).sort()).toEqual([1, 3]);
  });
});
