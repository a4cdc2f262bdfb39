/**
 * The slope of R at 0 read off a window of samples, pinned on curves whose slope is known, under
 * seeded noise: exact slopes for noise-free polynomials, error bars that are honest (the slope in
 * units of its error bar is standard normal), windows refused when their residuals are not noise,
 * kinks inside the window cut at, a kink at 0 reported as two one-sided slopes.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../tensor/index.js';
import { cancellingTanh } from '../../fixtures/noisy-forwards.js';
import { type SlopeEstimate, fitWindow, jitteredPositions } from './statistical.js';

const M = 24;
const xi = Array.from({ length: 2 * M + 1 }, (_, i) => (i - M) / M);

/** R(ξ) on the grid plus seeded normal noise of standard deviation sigma. */
function window(r: (x: number) => number, sigma: number, seed: number, halfWidth = 1) {
  const rng = new Rng(seed);
  return { halfWidth, residuals: Float64Array.from(xi, (x) => r(x) + sigma * rng.normal()), quantisation: 0 };
}

function adequate(fit: ReturnType<typeof fitWindow>): SlopeEstimate {
  if (!fit.adequate) throw new Error(`window refused: ${JSON.stringify(fit.misfit)}`);
  return fit.estimate;
}

const smooth = (x: number) => 0.3 * x + 2 * x ** 2 - x ** 3 + 0.5 * x ** 4;

describe('the slope of a smooth R', () => {
  test('a polynomial of degree at most 8 gives its slope back, in units of t', () => {
    const e = adequate(fitWindow(window(smooth, 1e-12, 1, 0.25)));
    expect(e.slope).toBeCloseTo(0.3 / 0.25, 8);
    expect(e.hinges).toBe(0);
    expect(e.kinkSe).toBe(0);
  });

  test('the linear model alone is never chosen: its bias would pass for an error', () => {
    expect(adequate(fitWindow(window((x) => 0.1 * x ** 3, 1e-3, 2))).degree).toBeGreaterThanOrEqual(4);
  });

  test('curvature beyond degree 8 is refused, not misread', () => {
    const fit = fitWindow(window((x) => Math.exp(8 * x), 1e-6, 3));
    expect(fit.adequate).toBe(false);
  });

  test('fewer than 49 samples is the caller’s mistake', () => {
    expect(() => fitWindow({ halfWidth: 1, residuals: new Float64Array(47), quantisation: 0 })).toThrow(/at least 49 samples/);
  });
});

describe('the error bar is honest', () => {
  const draws = Array.from({ length: 300 }, (_, seed) => fitWindow(window((x) => 2 * x ** 2 - 0.5 * x ** 3, 0.01, seed)));

  test('with no slope, the slope in units of its error bar is standard normal', () => {
    const z = draws.filter((f) => f.adequate).map((f) => (f.adequate ? f.estimate.slope / f.estimate.se : 0));
    expect(z.length).toBeGreaterThanOrEqual(280);
    const sd = Math.sqrt(z.reduce((s, v) => s + v * v, 0) / z.length);
    expect(sd).toBeGreaterThan(0.8);
    expect(sd).toBeLessThan(1.2);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(4.5);
  });

  test('a slope of ten error bars is seen in every draw', () => {
    const se = Math.max(...draws.map((f) => (f.adequate ? f.estimate.se : 0)));
    for (let seed = 0; seed < 50; seed++) {
      const fit = fitWindow(window((x) => 10 * se * x + 2 * x ** 2 - 0.5 * x ** 3, 0.01, 1000 + seed));
      if (fit.adequate) expect(Math.abs(fit.estimate.slope / fit.estimate.se)).toBeGreaterThan(5);
    }
  });

  test('the quantisation floor holds the error bar up where the samples happen to agree', () => {
    const exact = { halfWidth: 1, residuals: Float64Array.from(xi, (x) => x ** 2), quantisation: 1e-6 };
    expect(adequate(fitWindow(exact)).noise).toBe(1e-3);
  });
});

describe('residuals that are not noise', () => {
  test('a ripple no polynomial follows is refused; its twin, white noise as large, is not', () => {
    expect(fitWindow(window((x) => 0.01 * Math.sin(12 * x), 1e-4, 6)).adequate).toBe(false);
    expect(fitWindow(window(() => 0, 0.01, 6)).adequate).toBe(true);
  });

  test('a forward moving less than its rounding per step (a staircase) is never read as a slope', () => {
    for (const perStep of [0.05, 0.2, 0.7, 1.5, 3]) {
      for (let seed = 0; seed < 40; seed++) {
        const rng = new Rng(seed);
        // φ rounded to whole quanta; R = φ − the exact linear part: R has no slope
        const a = perStep * M * (1 + 0.3 * rng.next());
        const c = 0.3 * a * rng.normal();
        const shift = rng.next();
        const residuals = Float64Array.from(xi, (x) => Math.round(a * x + c * x * x + shift) - a * x);
        const fit = fitWindow({ halfWidth: 1, residuals, quantisation: 1 / 12 });
        if (fit.adequate) expect(Math.abs(fit.estimate.slope) / fit.estimate.se, `${perStep} quanta per step, seed ${seed}`).toBeLessThan(5);
      }
    }
  });
});

describe('kinks', () => {
  test('a kink inside the window is cut at: the slope at 0 is read from the near side', () => {
    for (const at of [0.45, -0.3]) {
      const e = adequate(fitWindow(window((x) => 0.2 * x + x ** 2 + 5 * Math.max((x - at) * Math.sign(at), 0), 1e-4, 4)));
      expect(e.hinges).toBe(1);
      expect(e.samples).toBeLessThan(2 * M + 1);
      expect(Math.abs(e.slope - 0.2) / e.se).toBeLessThan(4);
    }
  });

  test('its twin without the kink is not cut', () => {
    const e = adequate(fitWindow(window((x) => 0.2 * x + x ** 2, 1e-4, 4)));
    expect([e.hinges, e.samples]).toEqual([0, 2 * M + 1]);
  });

  test('a kink at 0 is reported as the mean and half the jump of the one-sided slopes', () => {
    for (const at of [0, 0.3 / M, -0.6 / M]) {
      const e = adequate(fitWindow(window((x) => 0.2 * x + 1.5 * Math.abs(x - at) + x ** 2, 1e-4, 5)));
      expect(e.kinkSe).toBeGreaterThan(0);
      expect(Math.abs(e.kink - 1.5) / e.kinkSe).toBeLessThan(4);
      expect(Math.abs(e.slope - 0.2) / e.se).toBeLessThan(4);
    }
  });

  test('a kink at 0 that a polynomial of high enough degree would pass over is found: the slope is not the mean of the two sides', () => {
    // a jump of slope 100 times the noise, between samples −1 and 1, and a change of curvature (a
    // relu network's loss is piecewise quadratic): a polynomial across it describes the window at
    // degree 6 or 8, and its slope, the mean of the two, fails the left side's 0
    for (let seed = 0; seed < 20; seed++) {
      const at = (0.6 * (new Rng(seed).next() - 0.5)) / M;
      const right = (x: number) => Math.max(x - at, 0);
      const e = adequate(fitWindow(window((x) => 1e-3 * right(x) + 5e-4 * right(x) ** 2 + 0.05 * x ** 2, 1e-5, 100 + seed)));
      expect(e.kinkSe, `seed ${seed}`).toBeGreaterThan(0);
      // the left side's slope, 0, lies between the two
      expect((Math.abs(e.slope) - Math.abs(e.kink)) / Math.hypot(e.se, e.kinkSe), `seed ${seed}`).toBeLessThan(4);
    }
  });

  test('its twin, curvature instead of a kink, is not', () => {
    expect(adequate(fitWindow(window((x) => 0.2 * x + 1.5 * x ** 2, 1e-4, 5))).kinkSe).toBe(0);
  });
});

describe('a staircase the grid aliases', () => {
  // R along a line through the cancelling tanh (e^{2x} − 1)/(e^{2x} + 1) at −1.26e-9: its rounding
  // is a staircase of about 1e5 treads per grid step, and at this step every grid point falls at
  // nearly one offset within its tread — the grid reads a slope tens of millions of standard
  // errors from 0, where there is none
  const [x0, u, halfWidth] = [-1.2553628499309926e-9, 1.1938929837932323e-9, 0.25];
  const along = (off: number) => (p: number) => {
    const x = x0 + ((p * halfWidth) / M) * u;
    return cancellingTanh(x) - cancellingTanh(x0) - (1 - off) * (1 - cancellingTanh(x0) ** 2) * (x - x0);
  };
  const z = (fit: ReturnType<typeof fitWindow>) => adequate(fit).slope / adequate(fit).se;
  const onGrid = (r: (p: number) => number) => fitWindow({ halfWidth, residuals: Float64Array.from({ length: 2 * M + 1 }, (_, i) => r(i - M)), quantisation: 0 });
  const jittered = (r: (p: number) => number, rng: Rng) => {
    const positions = jitteredPositions(M, rng);
    return fitWindow({ halfWidth, positions, residuals: Float64Array.from(positions, r), quantisation: 0 });
  };

  test('jittered places: 0, ±1, then one point in each further cell (k − 1, k] of either side', () => {
    const p = jitteredPositions(M, new Rng(1));
    expect(p).toHaveLength(2 * M + 1);
    expect([p[M - 1], p[M], p[M + 1]]).toEqual([-1, 0, 1]);
    for (let k = 2; k <= M; k++) for (const side of [1, -1]) expect(Math.abs(p[M + side * k]! - side * k)).toBeLessThan(1);
  });

  test('the grid reads a slope the jittered windows do not: |z| > 6 on the grid, < 3 on each of 20 jittered windows', () => {
    expect(Math.abs(z(onGrid(along(0))))).toBeGreaterThan(6);
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++) expect(Math.abs(z(jittered(along(0), rng))), `jittered window ${i}`).toBeLessThan(3);
  });

  test('a real error on the same staircase, the derivative 1e-6 off, is read by the jittered windows too (z > 3, its sign)', () => {
    expect(z(onGrid(along(1e-6)))).toBeGreaterThan(6);
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++) expect(z(jittered(along(1e-6), rng)), `jittered window ${i}`).toBeGreaterThan(3);
  });
});
