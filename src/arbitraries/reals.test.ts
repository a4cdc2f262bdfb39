import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kinkRadius } from './kinks.js';
import { type RealSpec, uniformReal } from './reals.js';
import { shrunk } from './test-support.js';

const sample = (arb: fc.Arbitrary<number>, numRuns = 10_000, seed = 1): number[] => fc.sample(arb, { seed, numRuns });


/** Counts of values in ten equal bins over [-1, 1]. */
function binCounts(xs: readonly number[]): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const x of xs) counts[Math.min(9, Math.floor((x + 1) * 5))]!++;
  return counts;
}

const nearZero = (xs: readonly number[]): number => xs.filter((x) => Math.abs(x) < 1e-3).length / xs.length;

describe('uniformReal is uniform over its range', () => {
  const ours = sample(uniformReal({ min: -1, max: 1 }));
  const broken = sample(fc.double({ min: -1, max: 1, noNaN: true }));

  it('puts about 1e-3 of [-1, 1] within 1e-3 of 0; fc.double puts two thirds there', () => {
    expect(nearZero(ours)).toBeGreaterThan(2e-4);
    expect(nearZero(ours)).toBeLessThan(3e-3);
    expect(nearZero(broken)).toBeGreaterThan(0.5);
  });

  it('fills ten equal bins evenly (1000 ± 150 each); fc.double does not', () => {
    for (const count of binCounts(ours)) expect(Math.abs(count - 1000)).toBeLessThan(150);
    expect(binCounts(broken).some((count) => Math.abs(count - 1000) >= 150)).toBe(true);
  });
});

describe('uniformReal respects its spec', () => {
  const specs: RealSpec[] = [
    { min: -1, max: 1 },
    { min: 2.3, max: 7.9 },
    { min: -1e6, max: -5 },
    { min: -1e301, max: 1e301 },
    { min: 4, max: 4 },
    {},
  ];

  it.each(specs)('stays within the range %j, edges included', (spec) => {
    const { min = -3, max = 3 } = spec;
    for (const x of sample(uniformReal({ ...spec, edges: true }), 2000)) {
      expect(x).toBeGreaterThanOrEqual(min);
      expect(x).toBeLessThanOrEqual(max);
    }
  });

  it('mixes in edge values, clamped into the range; unclamped edges would leave it', () => {
    const edges = [0, 1, -1, 1e-300, -1e-300, 1e300, -1e300];
    const seen = (spec: RealSpec): Set<number> => new Set(sample(uniformReal({ ...spec, edges: 0.5 }), 1000));
    const wide = seen({ min: -1e301, max: 1e301 });
    for (const edge of edges) expect(wide.has(edge)).toBe(true);
    const narrow = seen({ min: 2.3, max: 7.9 });
    expect(narrow.has(2.3) && narrow.has(7.9)).toBe(true);
    const unclamped = sample(fc.oneof(uniformReal({ min: 2.3, max: 7.9 }), fc.constantFrom(...edges)), 1000);
    expect(unclamped.some((x) => x < 2.3 || x > 7.9)).toBe(true);
  });

  it('mixes in no edge values unless asked', () => {
    expect(sample(uniformReal({ min: -1e301, max: 1e301 }), 2000).some((x) => Math.abs(x) === 1e300)).toBe(false);
  });
});

describe('kinks', () => {
  const avoid = [0, 1.5, -3];
  const clear = (xs: readonly number[], kinkMargin = 1e-3): boolean =>
    xs.every((x) => avoid.every((at) => Math.abs(x - at) >= kinkRadius(at, kinkMargin)));

  it('keeps every value a kink margin away from each avoided value; without avoid, values come closer', () => {
    expect(clear(sample(uniformReal({ min: -1, max: 1, avoid })))).toBe(true);
    expect(clear(sample(uniformReal({ min: -1, max: 1 })))).toBe(false);
  });

  it('takes the kink margin as an option, scaled by max(1, |kink|)', () => {
    expect(kinkRadius(0, 0.1)).toBe(0.1);
    expect(kinkRadius(-3, 0.1)).toBeCloseTo(0.3, 15);
    expect(clear(sample(uniformReal({ min: -3, max: 3, avoid, kinkMargin: 0.1 })), 0.1)).toBe(true);
    expect(clear(sample(uniformReal({ min: -3, max: 3, avoid, kinkMargin: 0.01 })), 0.1)).toBe(false);
  });

  it('places the asked fraction of values exactly at the kinks in range, and keeps the rest clear', () => {
    const xs = sample(uniformReal({ min: -2, max: 2, avoid, atKinks: 0.2 }));
    const at = xs.filter((x) => avoid.includes(x));
    expect(at.length / xs.length).toBeGreaterThan(0.17);
    expect(at.length / xs.length).toBeLessThan(0.23);
    expect(new Set(at)).toEqual(new Set([0, 1.5]));
    expect(clear(xs.filter((x) => !avoid.includes(x)))).toBe(true);
    expect(sample(uniformReal({ min: -2, max: 2, avoid })).some((x) => avoid.includes(x))).toBe(false);
  });

  it('refuses a range the margins cover entirely', () => {
    expect(() => uniformReal({ min: 0, max: 1e-4, avoid: [0] })).toThrow(RangeError);
    expect(sample(uniformReal({ min: 0, max: 1e-4, avoid: [0], atKinks: true }), 10)).toEqual(new Array(10).fill(0));
  });
});

describe('uniformReal shrinks toward simple values', () => {
  const arb = uniformReal({ min: -3, max: 3 });

  it.each([1, 2, 3, 4, 5])('a failure on negatives shrinks to -1 (seed %i); fc.double shrinks to a denormal', (seed) => {
    expect(shrunk(arb, (x) => x >= 0, seed)).toBe(-1);
    expect(Math.abs(shrunk(fc.double({ min: -3, max: 3, noNaN: true }), (x) => x >= 0, seed))).toBeLessThan(1e-300);
  });

  it('to 0, ±0.5, ±1, ±2 or a decimal of one digit', () => {
    expect(shrunk(arb, () => false)).toBe(0);
    expect(shrunk(arb, (x) => Math.abs(x) < 0.3)).toBe(1);
    expect(shrunk(arb, (x) => x < 0.3 || x > 0.7)).toBe(0.5);
    expect(shrunk(arb, (x) => x < 1.5)).toBe(2);
    expect(shrunk(arb, (x) => x > -2.6)).toBe(-3);
    expect(shrunk(arb, (x) => x < 2.71)).toBe(3);
  });

  it.each([1, 2, 3, 4, 5])('a failure on tiny positives shrinks to one digit, not to a denormal like fc.double (seed %i)', (seed) => {
    const tinyPositive = (x: number): boolean => x <= 0 || x >= 0.15;
    expect(shrunk(arb, tinyPositive, seed).toExponential()).toMatch(/^[1-9]e-[12]$/);
    expect(shrunk(fc.double({ min: -3, max: 3, noNaN: true }), tinyPositive, seed)).toBe(5e-324);
  });

  it('toward the range end nearest 0 when 0 is out of range', () => {
    expect(shrunk(uniformReal({ min: 2.3, max: 7.9 }), () => false)).toBe(2.3);
    expect(shrunk(uniformReal({ min: -1e6, max: -5 }), () => false)).toBe(-5);
    expect([6, 7]).toContain(shrunk(uniformReal({ min: 2.3, max: 7.9 }), (x) => x < 5.55));
  });

  it('never to a value in a kink margin', () => {
    expect(shrunk(uniformReal({ min: -3, max: 3, avoid: [0, -1] }), (x) => x >= 0)).toBe(-0.5);
  });
});
