/**
 * Richardson extrapolation pinned exactly: how many samples of φ it takes (steps halve from the
 * first until `levels` have been taken, then on until the estimate settles, at most 12, never below
 * 2^-30), and the rounding it reads off the samples by fourth differences.
 */
import { describe, expect, test } from 'vitest';
import { type Sampler, differentiate } from './richardson.js';

const EPS = 2 ** -53;
const STEP = 2 ** -7;

/** φ counted: the number of samples is the cost of a finite difference. */
function counted(phi: Sampler): { phi: Sampler; calls: () => number; steps: number[] } {
  const steps: number[] = [];
  return { phi: (t) => (steps.push(t), phi(t)), calls: () => steps.length, steps };
}
const of = (...values: number[]) => Float64Array.from(values);

describe('how many samples a derivative takes', () => {
  test.each([
    ['a linear φ settles at the fourth step size', (t: number) => of(3 * t), 8],
    ['a constant 0 settles: an error of 0 is within a tolerance of 0', () => of(0), 8],
    // central differences of |t|^1.5 are exact, one-sided ones carry √h: only the limit stops it
    ['an even φ with a rough one-sided part goes to 12 step sizes', (t: number) => of(Math.abs(t) ** 1.5), 24],
    // t·|t|: central quotients err by h (not the even powers extrapolation cancels), one-sided ones are exact
    ['an odd φ with a t·|t| part goes to 12 step sizes, however well its one-sided slopes settle', (t: number) => of(3 * t + t * Math.abs(t)), 24],
    ['one component that never settles keeps the others sampling', (t: number) => of(3 * t, t && t * Math.sin(1 / t)), 24],
  ])('%s', (_, f, calls) => {
    const c = counted(f);
    expect(differentiate(c.phi, c.phi(0)!, STEP, 4, EPS, 1)).not.toBeNull();
    expect(c.calls() - 1).toBe(calls);
  });

  test('levels decides the first estimate: no fewer samples are taken', () => {
    const c = counted((t) => of(3 * t));
    differentiate(c.phi, of(0), STEP, 6, EPS, 1);
    expect(c.calls()).toBe(12);
  });

  test('a step outside the domain restarts the run at a smaller step, down to 2^-30 itself', () => {
    // defined only within 2^-27 of 0: the run that counts is 2^-27 … 2^-30
    const c = counted((t) => (Math.abs(t) > 2 ** -27 ? null : of(5 * t)));
    const d = differentiate(c.phi, of(0), STEP, 4, EPS, 1);
    expect(d!.central.value[0]).toBeCloseTo(5, 12);
    expect(Math.min(...c.steps.map(Math.abs))).toBe(2 ** -30);
  });

  test('a φ undefined on one side of 0 gives no derivative', () => {
    expect(differentiate((t) => (t < 0 ? null : of(t)), of(0), STEP, 4, EPS, 1)).toBeNull();
  });
});

describe('the rounding read off the samples', () => {
  test('with fewer than four step sizes it is a value’s own rounding, ε·|φ(0)|, and a linear φ settles on it', () => {
    const c = counted((t) => of(8 + t, -2 - t));
    expect([...differentiate(c.phi, of(8, -2), STEP, 2, EPS, 1)!.rounding]).toEqual([8 * EPS, 2 * EPS]);
    expect(c.calls()).toBe(4);
  });

  test('fourth differences cancel a smooth part in t⁴ and a kink’s part in |t|', () => {
    expect(differentiate((t) => of(t ** 4 + Math.abs(t)), of(0), STEP, 4, EPS, 1e6)!.rounding[0]).toBe(0);
  });

  test('a staircase is read off at the smallest step, up to rounding of the size of the inputs', () => {
    // a step of 2^-48 in φ at the smallest step 2^-10 only: Δ⁴ = −4·2^-48, read as 4·2^-48 / 25.5
    const stair = (t: number) => of(t + (t === 2 ** -10 ? 2 ** -48 : 0));
    expect(differentiate(stair, of(0), STEP, 4, EPS, 2)!.rounding[0]).toBe(2 ** -46 / 25.5);
    // believed only up to 4ε·max(|φ(0)|, largest input)
    expect(differentiate(stair, of(0), STEP, 4, EPS, 0.5)!.rounding[0]).toBe(4 * EPS * 0.5);
  });
});
