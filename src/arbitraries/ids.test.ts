import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ids } from './ids.js';
import { shrunk } from './test-support.js';

const repeats = (data: ArrayLike<number>): boolean => new Set(Array.from(data)).size < data.length;

describe('ids', () => {
  const drawn = fc.sample(ids([4], 20), { seed: 1, numRuns: 2000 });

  it('are integers in [0, upTo), every one of them reached', () => {
    for (const t of drawn) {
      expect(t.shape).toEqual([4]);
      expect(t.data.every((id) => Number.isInteger(id) && id >= 0 && id < 20)).toBe(true);
    }
    expect(new Set(drawn.flatMap((t) => Array.from(t.data))).size).toBe(20);
    expect(fc.sample(ids([2, 3], 1), { seed: 1, numRuns: 10 }).every((t) => t.data.every((id) => id === 0))).toBe(true);
  });

  it('repeat often: over half of four ids below 20 repeat one, against 28% for uniform ids', () => {
    expect(drawn.filter((t) => repeats(t.data)).length / drawn.length).toBeGreaterThan(0.5);
    const uniform = fc.sample(fc.array(fc.nat(19), { minLength: 4, maxLength: 4 }), { seed: 1, numRuns: 2000 });
    expect(uniform.filter(repeats).length / uniform.length).toBeLessThan(0.35);
  });

  it('shrink toward 0', () => {
    const t = shrunk(ids([5], 50), (t) => t.data.every((id) => id < 3));
    expect(Array.from(t.data).sort()).toEqual([0, 0, 0, 0, 3]);
  });

  it('refuse an empty range', () => {
    expect(() => ids([2], 0)).toThrow(RangeError);
    expect(() => ids([2], 2.5)).toThrow(RangeError);
  });
});
