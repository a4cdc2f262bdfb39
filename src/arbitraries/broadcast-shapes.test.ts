import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShapeSpec } from '../ops/domain.js';
import { broadcastShapes } from './broadcast-shapes.js';
import { shape } from './shape.js';
import { shrunk } from './test-support.js';

/** NumPy's rule, written out independently: pad with leading 1s, then each column is 1 or one side. */
function broadcastTogether(shapes: readonly number[][]): boolean {
  const rank = Math.max(...shapes.map((s) => s.length));
  const padded = shapes.map((s) => [...new Array<number>(rank - s.length).fill(1), ...s]);
  for (let axis = 0; axis < rank; axis++) {
    if (new Set(padded.map((s) => s[axis]).filter((side) => side !== 1)).size > 1) return false;
  }
  return true;
}

/** Some axis is 1 in one shape and larger in another (an explicit broadcast, not a missing axis). */
function broadcastsASizeOne(shapes: readonly number[][]): boolean {
  const rank = Math.min(...shapes.map((s) => s.length));
  for (let back = 1; back <= rank; back++) {
    const sides = shapes.map((s) => s[s.length - back]!);
    if (sides.includes(1) && sides.some((side) => side > 1)) return true;
  }
  return false;
}

const missesALeadingAxis = (shapes: readonly number[][]): boolean => new Set(shapes.map((s) => s.length)).size > 1;

const tuples = (count: number, spec?: ShapeSpec): number[][][] => fc.sample(broadcastShapes(count, spec), { seed: 1, numRuns: 1000 });


describe('broadcastShapes', () => {
  const pairs = broadcastShapes(2, { maxSide: 5 });

  it.each([1, 2, 3])('draws %i shapes that broadcast together; independent shapes do not', (count) => {
    for (const shapes of tuples(count)) {
      expect(shapes).toHaveLength(count);
      expect(broadcastTogether(shapes)).toBe(true);
    }
    const independent = fc.sample(fc.tuple(shape(), shape()), { seed: 1, numRuns: 100 });
    expect(independent.every(broadcastTogether)).toBe(false);
  });

  it('recognises the shapes it could draw, and no others', () => {
    for (const shapes of tuples(2)) expect(pairs.canShrinkWithoutContext(shapes)).toBe(true);
    for (const shapes of [[[2], [3]], [[1], [6]], [[1]], [[1, 1, 1, 1], [1]]]) expect(pairs.canShrinkWithoutContext(shapes)).toBe(false);
  });

  it('respects the shape spec in every shape', () => {
    for (const shapes of tuples(3, { minRank: 1, maxRank: 2, maxSide: 3 })) {
      for (const s of shapes) {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(2);
        expect(s.every((side) => side >= 1 && side <= 3)).toBe(true);
      }
    }
    for (const shapes of tuples(2, { minSide: 2 })) expect(shapes.flat()).not.toContain(1);
  });

  it('often broadcasts a size-1 axis, often misses leading axes, and sometimes does neither', () => {
    const drawn = tuples(2);
    const rate = (p: (shapes: number[][]) => boolean): number => drawn.filter(p).length / drawn.length;
    expect(rate(broadcastsASizeOne)).toBeGreaterThan(0.2);
    expect(rate(missesALeadingAxis)).toBeGreaterThan(0.2);
    expect(rate((shapes) => !broadcastsASizeOne(shapes) && !missesALeadingAxis(shapes))).toBeGreaterThan(0.2);
  });

  it.each([1, 2, 3, 4, 5])('a failure on broadcasting shrinks to the smallest such shapes (seed %i)', (seed) => {
    expect([[[1], [2]], [[2], [1]]]).toContainEqual(shrunk(pairs, (shapes) => !broadcastsASizeOne(shapes), seed));
    expect([[[], [1]], [[1], []]]).toContainEqual(shrunk(pairs, (shapes) => !missesALeadingAxis(shapes), seed));
    expect(shrunk(pairs, () => false, seed)).toEqual([[], []]);
  });
});
