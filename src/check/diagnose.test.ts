import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Tensor, randn, unravelIndex } from '../tensor/index.js';
import { type Diagnostics, diagnose, entryWindow } from './diagnose.js';
import type { Differentiable } from './index.js';

/** f(x) = sin(x) ⊙ x elementwise (any shape); its vjp off by `slip` (relative) at the flat entries listed. */
function sinTimesX(wrong: readonly number[] = [], slip = 0.3): Differentiable {
  const df = (x: number) => Math.cos(x) * x + Math.sin(x);
  return {
    name: 'sin(x)·x',
    forward: ([x]) => new Tensor(x!.data.map((v) => Math.sin(v) * v), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v) * g.data[i]! * (wrong.includes(i) ? 1 + slip : 1)), x!.shape)],
    jvp: ([x], [t]) => new Tensor(x!.data.map((v, i) => df(v) * t!.data[i]!), x!.shape),
  };
}

const wrongEntries = (d: Diagnostics) => d.inputs.flatMap((m) => m.verdict.flatMap((v, i) => (v === 'fail' ? [{ input: m.input, index: unravelIndex(m.start + i, m.shape) }] : [])));

describe('diagnose', () => {
  const x = randn([3, 4], 7);

  test('marks exactly the wrong entry of a vjp, with numeric values that are the true derivative', () => {
    const d = diagnose(sinTimesX([6]), [x], { seed: 1 });
    expect(wrongEntries(d)).toEqual([{ input: 0, index: [1, 2] }]);
    const [map] = d.inputs;
    expect(map!.analytic).toHaveLength(12);
    // ⟨v, J e_j⟩ = v_j f′(x_j), v the seeded random cotangent: numeric/analytic is 1 except at the wrong entry
    map!.numeric.forEach((n, j) => expect(n! / map!.analytic[j]!).toBeCloseTo(j === 6 ? 1 / 1.3 : 1, 8));
    expect(d.steps).toMatchObject({ input: 0, index: [1, 2], comparison: { verdict: 'fail' } });
  });

  test('broken twin: the correct target has no wrong entry (so the marking is not everywhere)', () => {
    expect(wrongEntries(diagnose(sinTimesX(), [x], { seed: 1 }))).toEqual([]);
  });

  test("the step sweep's central differences make a V around the numeric value, which the analytic misses by the slip", () => {
    const { steps } = diagnose(sinTimesX([6]), [x], { seed: 1 });
    const { comparison, h, central, extrapolated } = steps!;
    const errors = central.map((c) => Math.abs(c! - comparison.numeric));
    const best = errors.indexOf(Math.min(...errors));
    // truncation on the large steps, rounding on the small ones, both above the bottom of the V
    expect(errors[0]!).toBeGreaterThan(1e3 * errors[best]!);
    expect(errors[errors.length - 1]!).toBeGreaterThan(1e3 * errors[best]!);
    expect(h[0]! / h[1]!).toBe(2);
    expect(extrapolated.slice(0, 3)).toEqual([null, null, null]);
    expect(Math.abs(extrapolated[6]! - comparison.numeric)).toBeLessThan(comparison.tolerance);
    expect(Math.abs(comparison.analytic - comparison.numeric)).toBeGreaterThan(1e6 * comparison.tolerance);
  });

  test('the sweep follows the focus entry; without one, the worst entry found', () => {
    const focused = diagnose(sinTimesX([6]), [x], { focus: { input: 0, index: [2, 3], quantity: 'vjp' } });
    expect(focused.steps).toMatchObject({ input: 0, index: [2, 3], comparison: { verdict: 'agree' } });
    expect(diagnose(sinTimesX([10]), [x]).steps).toMatchObject({ index: [2, 2] });
  });

  test('at a kink, the one-sided quotients part and the comparison carries the one-sided limits', () => {
    const abs: Differentiable = {
      name: '|x|',
      forward: ([v]) => new Tensor(v!.data.map(Math.abs), v!.shape),
      vjp: ([v], g) => [new Tensor(v!.data.map((a, i) => Math.sign(a) * g.data[i]!), v!.shape)],
    };
    const { steps } = diagnose(abs, [new Tensor(Float64Array.of(0.5, 0, -2), [3])], { focus: { input: 0, index: [1], quantity: 'vjp' } });
    const last = steps!.left.length - 1;
    expect(Math.sign(steps!.left[last]!)).toBe(-Math.sign(steps!.right[last]!));
    expect(steps!.comparison.oneSided).toBeDefined();
    expect(steps!.comparison.verdict).toBe('nonsmooth');
  });

  test("a full-mode focus projects on its output entry's basis cotangent; a jvp focus compares the jvp", () => {
    const d = diagnose(sinTimesX([6]), [x], { focus: { input: 0, index: [1, 2], quantity: 'vjp', output: [1, 2] } });
    expect(d.cotangent).toEqual({ kind: 'output', index: [1, 2] });
    // an elementwise function: only the focus output's own entry has a derivative
    expect(d.inputs[0]!.analytic.filter((a) => a !== 0)).toHaveLength(1);
    const jvp = diagnose(sinTimesX([6]), [x], { focus: { input: 0, index: [1, 2], quantity: 'jvp' } });
    expect(jvp.quantity).toBe('jvp');
    expect(wrongEntries(jvp)).toEqual([]); // the jvp is right; the vjp was wrong
  });

  test('caps the entries per input around the focus, in whole rows', () => {
    const big = randn([40, 10], 3);
    const d = diagnose(sinTimesX([257]), [big], { maxEntries: 64, focus: { input: 0, index: [25, 7], quantity: 'vjp' } });
    const [map] = d.inputs;
    expect(map!.analytic).toHaveLength(60);
    expect(map!.start % 10).toBe(0);
    expect(wrongEntries(d)).toEqual([{ input: 0, index: [25, 7] }]);
    expect(d.maxEntries).toBe(64);
  });

  test('skips nondifferentiable inputs, and shows an entry with no finite difference as an error', () => {
    // x^1.5 is defined for x ≥ 0 only: at 0 no central difference can be taken
    const powTimesIds: Differentiable = {
      name: 'x^1.5·ids',
      forward: ([v, ids]) => new Tensor(v!.data.map((a, i) => a ** 1.5 * ids!.data[i]!), v!.shape),
      vjp: ([v, ids], g) => [new Tensor(v!.data.map((a, i) => 1.5 * Math.sqrt(a) * ids!.data[i]! * g.data[i]!), v!.shape), new Tensor(new Float64Array(2), [2])],
      nondifferentiable: [1],
    };
    const d = diagnose(powTimesIds, [new Tensor(Float64Array.of(0, 4), [2]), new Tensor(Float64Array.of(1, 2), [2])]);
    expect(d.inputs.map((m) => m.input)).toEqual([0]);
    expect(d.inputs[0]!.verdict).toEqual(['error', 'agree']);
    expect(d.inputs[0]!.numeric[0]).toBeNull();
  });

  test('reads the arithmetic as the check does, off the measured noise: an exact 2x on float32 values is float64, a float32 tanh float32', () => {
    // every value of 2x at float32 inputs is a float32 value: read off the values, float64 2x was
    // diagnosed as float32 (and judged at float32's tolerance) though the check judged it as float64
    const twice: Differentiable = { name: '2x', forward: ([x]) => new Tensor(x!.data.map((v) => 2 * v), x!.shape), vjp: ([x], g) => [new Tensor(g.data.map((v) => 2 * v), x!.shape)] };
    const inputs = [new Tensor(Float64Array.of(0.5, Math.fround(0.1), Math.fround(-0.7), 1.25), [4])];
    expect(diagnose(twice, inputs, { seed: 1 })).toMatchObject({ precision: 'float64', method: 'finite differences' });
    // a float32 forward: its entries judged by the significance test, as the check judges them
    const f = Math.fround;
    const tanh32: Differentiable = {
      name: 'float32 tanh',
      forward: ([x]) => new Tensor(x!.data.map((v) => f(Math.tanh(f(v)))), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => f(f(g.data[i]!) * f(1 - f(Math.tanh(f(v)) ** 2)))), x!.shape)],
    };
    const d = diagnose(tanh32, inputs, { seed: 1 });
    expect(d).toMatchObject({ precision: 'float32', method: 'statistical' });
    expect(d.steps!.comparison.statistics).toBeDefined();
    expect(d.inputs[0]!.verdict.every((v) => v === 'agree')).toBe(true);
  });

  test('names the target when it cannot be evaluated at the inputs', () => {
    const throwing: Differentiable = { name: 'thrower', forward: () => { throw new Error('boom'); }, vjp: () => [] };
    expect(() => diagnose(throwing, [x])).toThrow(/thrower: forward threw Error: boom/);
  });
});

describe('entryWindow', () => {
  const cases = fc
    .tuple(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }), fc.integer({ min: 1, max: 64 }), fc.nat())
    .map(([shape, limit, draw]) => ({ shape, limit, centre: draw % shape.reduce((n, s) => n * s, 1) }));

  type Window = typeof entryWindow;
  const holdsTheCentre = (window: Window) =>
    fc.property(cases, ({ shape, limit, centre }) => {
      const size = shape.reduce((n, s) => n * s, 1);
      const row = shape.length === 0 ? 1 : shape[shape.length - 1]!;
      const { start, count } = window(shape, centre, limit);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start + count).toBeLessThanOrEqual(size);
      expect(count).toBeLessThanOrEqual(limit);
      expect(count).toBe(size <= limit ? size : row <= limit ? Math.floor(limit / row) * row : limit);
      expect(centre >= start && centre < start + count).toBe(true);
      if (row <= limit) expect(start % row).toBe(0);
    });

  test('holds the centre, at most the limit of entries, in whole rows when a row fits, inside the input', () => {
    fc.assert(holdsTheCentre(entryWindow), { numRuns: 500 });
  });

  test('broken twin: a window that always starts at the first entry loses the centre', () => {
    const fromStart: Window = (shape, centre, limit) => ({ ...entryWindow(shape, centre, limit), start: 0 });
    expect(fc.check(holdsTheCentre(fromStart), { numRuns: 500 }).failed).toBe(true);
  });
});
