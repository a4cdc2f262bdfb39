/**
 * Least squares pinned on cases with known answers: exact coefficients for data a basis spans,
 * residuals orthogonal to every column, (XᵀX)⁻¹ that really inverts XᵀX, and errors for designs no
 * data could settle.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../tensor/index.js';
import { leastSquares, prepare } from './least-squares.js';

const grid = Float64Array.from({ length: 49 }, (_, i) => (i - 24) / 24);
const powers = (degree: number) => Array.from({ length: degree + 1 }, (_, p) => grid.map((x) => x ** p));

describe('a basis that spans the data', () => {
  test('gives the coefficients back to rounding, with residuals of rounding', () => {
    const truth = [0.5, -3, 2, 0.25, -1, 0.125, 7, -0.5, 1];
    const y = grid.map((x) => truth.reduce((s, c, p) => s + c * x ** p, 0));
    const fit = leastSquares(powers(8), y);
    fit.coefficients.forEach((c, p) => expect(c).toBeCloseTo(truth[p]!, 10));
    expect(fit.rss).toBeLessThan(1e-26);
    expect(fit.dof).toBe(40);
  });

  test('one term short, it cannot: the residuals carry the missing term', () => {
    const y = grid.map((x) => x ** 9);
    expect(leastSquares(powers(8), y).rss).toBeGreaterThan(1e-4);
  });
});

describe('noisy data', () => {
  const rng = new Rng(7);
  const y = grid.map((x) => 1 + 2 * x + rng.normal());
  const columns = powers(3);
  const fit = leastSquares(columns, y);

  test('residuals are orthogonal to every column', () => {
    for (const c of columns) expect(Math.abs(c.reduce((s, v, i) => s + v * fit.residuals[i]!, 0))).toBeLessThan(1e-12);
  });

  test('the residual sum is the sum of the squared residuals, and the residuals are y minus the fit', () => {
    expect(fit.rss).toBeCloseTo(fit.residuals.reduce((s, e) => s + e * e, 0), 12);
    grid.forEach((x, i) => expect(fit.residuals[i]).toBeCloseTo(y[i]! - fit.coefficients.reduce((s, c, p) => s + c * x ** p, 0), 12));
  });

  test('(XᵀX)⁻¹ inverts XᵀX', () => {
    const p = columns.length;
    const gram = (i: number, j: number) => columns[i]!.reduce((s, v, k) => s + v * columns[j]![k]!, 0);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const product = Array.from({ length: p }, (_, k) => gram(i, k) * fit.inverse[k * p + j]!).reduce((a, b) => a + b, 0);
        expect(product).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('designs no data could settle', () => {
  test('dependent columns are refused', () => {
    expect(() => leastSquares([grid, grid.map((x) => 2 * x)], grid)).toThrow(/column 1 depends on the others/);
  });

  test('fewer rows than columns, or columns of the wrong length, are refused', () => {
    const short = [Float64Array.of(1, 1), Float64Array.of(1, 2), Float64Array.of(1, 4)];
    expect(() => leastSquares(short, Float64Array.of(1, 2))).toThrow(/2 rows cannot determine 3 coefficients/);
    expect(() => leastSquares([Float64Array.of(1, 2, 3)], Float64Array.of(1, 2))).toThrow(/every column needs 2 rows/);
  });
});

describe('a design fitted to many right-hand sides', () => {
  test('gives the rss of each, to the last bit, without the fit', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 5));
    const design = prepare(powers(4));
    for (let k = 0; k < 20; k++) {
      const y = grid.map((x) => Math.exp(x * rng.next()) + (rng.next() - 0.5) * 1e-3);
      expect(design.rss(y)).toBe(design.fit(y).rss);
    }
  });

  test('nested fits from one reduction: the leading columns\' rss as their own design gives it, to the last bit', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 5));
    // the noise reading's shape: 9 samples, a sextic whose first five columns are the quartic
    const t = Float64Array.from([0, 1, -1, 0.5, -0.5, 0.25, -0.25, 0.125, -0.125]);
    const columns = (degree: number) => Array.from({ length: degree + 1 }, (_, p) => t.map((x) => x ** p));
    const whole = prepare(columns(6));
    const rss = new Float64Array(3);
    for (let k = 0; k < 50; k++) {
      const y = t.map((x) => Math.sin(3 * x * rng.next()) + (rng.next() - 0.5) * 10 ** (-3 - 10 * rng.next()));
      whole.nestedRss(y, [5, 7, 3], rss);
      expect([...rss]).toEqual([prepare(columns(4)).rss(y), whole.rss(y), prepare(columns(2)).rss(y)]);
      // the twin: the quartic read off the sextic's coefficients, cut short, is another curve
      const sextic = leastSquares(columns(6), y).coefficients;
      const cut = y.reduce((s, v, i) => s + (v - [0, 1, 2, 3, 4].reduce((f, p) => f + sextic[p]! * t[i]! ** p, 0)) ** 2, 0);
      expect(Math.abs(cut - rss[0]!)).toBeGreaterThan(1e-6 * rss[0]!);
    }
    expect(() => whole.nestedRss(t, [8], rss)).toThrow(RangeError);
  });
});
