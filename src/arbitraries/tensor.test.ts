import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../tensor/index.js';
import { cropTensor, cropsOf } from './crop.js';
import { kinkRadius } from './kinks.js';
import { shape } from './shape.js';
import { tensorArb, tensorOf } from './tensor.js';
import { shrunk } from './test-support.js';


const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

describe('tensorOf and tensorArb', () => {
  it('give tensors of the asked shape with entries in range and clear of kinks', () => {
    for (const t of fc.sample(tensorOf([2, 3], { min: -1, max: 2, avoid: [0, 1] }), { seed: 1, numRuns: 500 })) {
      expect(t.shape).toEqual([2, 3]);
      for (const x of t.data) {
        expect(x).toBeGreaterThanOrEqual(-1);
        expect(x).toBeLessThanOrEqual(2);
        expect(Math.min(Math.abs(x), Math.abs(x - 1))).toBeGreaterThanOrEqual(kinkRadius(1, 1e-3));
      }
    }
    for (const t of fc.sample(tensorArb({ minRank: 1, maxRank: 2, maxSide: 3, min: 0.5, max: 0.75 }), { seed: 1, numRuns: 500 })) {
      expect(t.rank >= 1 && t.rank <= 2 && t.shape.every((side) => side >= 1 && side <= 3)).toBe(true);
      expect(t.data.every((x) => x >= 0.5 && x <= 0.75)).toBe(true);
    }
  });

  it('key entries by position: a smaller shape drawn with the same seed keeps the entries it shares', () => {
    const [big] = fc.sample(tensorOf([3, 4]), { seed: 7, numRuns: 1 });
    const [small] = fc.sample(tensorOf([3, 2]), { seed: 7, numRuns: 1 });
    expect(small!.toArray()).toEqual((big!.toArray() as number[][]).map((row) => row.slice(0, 2)));
    const flat = (s: number[]) => fc.float64Array({ minLength: s[0]! * s[1]!, maxLength: s[0]! * s[1]!, noNaN: true }).map((d) => new Tensor(d, s));
    const [flatBig] = fc.sample(flat([3, 4]), { seed: 7, numRuns: 1 });
    const [flatSmall] = fc.sample(flat([3, 2]), { seed: 7, numRuns: 1 });
    expect(flatSmall!.toArray()).not.toEqual((flatBig!.toArray() as number[][]).map((row) => row.slice(0, 2)));
  });

  it('recognise the tensors they could draw, and no others', () => {
    const arb = tensorArb({ maxRank: 2, min: 0, max: 1, avoid: [0.5] });
    for (const t of fc.sample(arb, { seed: 1, numRuns: 100 })) expect(arb.canShrinkWithoutContext(t)).toBe(true);
    for (const t of [tensor([[0.2, 0.5]]), tensor([1.5]), tensor([[[0]]]), [0.2]]) expect(arb.canShrinkWithoutContext(t)).toBe(false);
    expect(tensorOf([2]).canShrinkWithoutContext(tensor([1, 2]))).toBe(true);
    expect(tensorOf([2]).canShrinkWithoutContext(tensor([[1, 2]]))).toBe(false);
  });
});

describe('crops', () => {
  it('keep the entries of the positions they keep', () => {
    const t = tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
    expect(cropTensor(t, { axis: 2, start: 1, length: 2, squeeze: false }).toArray()).toEqual([[[2, 3], [5, 6]], [[8, 9], [11, 12]]]);
    expect(cropTensor(t, { axis: 0, start: 1, length: 1, squeeze: true }).toArray()).toEqual([[7, 8, 9], [10, 11, 12]]);
    expect(cropTensor(t, { axis: 1, start: 0, length: 1, squeeze: true }).toArray()).toEqual([[1, 2, 3], [7, 8, 9]]);
  });

  it('offered by a spec never go below its minima', () => {
    const spec = { minRank: 2, maxRank: 3, minSide: 2, maxSide: 4 };
    expect([...cropsOf([2, 4], spec)]).toEqual([
      { axis: 1, start: 0, length: 2, squeeze: false },
      { axis: 1, start: 2, length: 2, squeeze: false },
      { axis: 1, start: 0, length: 3, squeeze: false },
      { axis: 1, start: 1, length: 3, squeeze: false },
    ]);
  });
});

describe('tensorArb shrinks toward fewer axes, smaller sides and simple values', () => {
  const arb = tensorArb({ maxSide: 5 });

  it.each(seeds)('a failure when some side is at least 3 shrinks to that side exactly 3, others minimal (seed %i)', (seed) => {
    const wide = (t: Tensor): boolean => t.shape.every((side) => side < 3);
    expect(shrunk(arb, wide, seed).toArray()).toEqual([0, 0, 0]);
    expect([[[0, 0, 0]], [[0], [0], [0]]]).toContainEqual(shrunk(tensorArb({ minRank: 2, maxSide: 5 }), wide, seed).toArray());
  });

  it.each(seeds)('a failure on negative entries shrinks to the single entry -1 (seed %i)', (seed) => {
    const t = shrunk(arb, (t) => t.data.every((x) => x >= 0), seed);
    expect(t.size).toBe(1);
    expect(t.data[0]).toBe(-1);
    expect(shrunk(tensorArb({ minRank: 1, maxSide: 5 }), (t) => t.data.every((x) => x >= 0), seed).toArray()).toEqual([-1]);
  });

  it('keeps the failing entry while it cuts the shape down; drawing the shape then the values does not', () => {
    const noneBelow = (t: Tensor): boolean => t.data.every((x) => x > -2.5);
    const twin = shape({ maxSide: 5 }).chain((s) => tensorOf(s));
    for (const seed of seeds) expect(shrunk(arb, noneBelow, seed).size).toBe(1);
    expect(seeds.filter((seed) => shrunk(twin, noneBelow, seed).size > 1).length).toBeGreaterThan(2);
  });
});
