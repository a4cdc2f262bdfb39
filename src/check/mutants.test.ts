/**
 * Tests that kill the mutants Stryker left alive in src/check (see MUTATION.md): the exact words and
 * layout of reports, the ranking of comparisons, the defaults of the options. Each pins behaviour a
 * user reads or relies on, so a change to it should be a decision, not an accident.
 */
import { describe, expect, test } from 'vitest';
import { describeComparison, formatReport } from './index.js';
import { Ledger, moreSevere, mostSevere } from './ledger.js';
import { arithmeticOf, resolveOptions } from './options.js';
import type { Comparison, GradCheckReport } from './report.js';

const comparison = (over: Partial<Comparison> = {}): Comparison => ({
  input: 0,
  index: [2, 1],
  quantity: 'vjp',
  analytic: 1.5,
  numeric: 1.25,
  absError: 0.25,
  relError: 1 / 6,
  tolerance: 1e-8,
  verdict: 'fail',
  ...over,
});

const report = (over: Partial<GradCheckReport> = {}): GradCheckReport => ({
  target: 'layer',
  verdict: 'fail',
  ok: false,
  mode: 'auto',
  mismatches: [],
  evaluations: { forward: 12, vjp: 3, jvp: 1 },
  seed: 7,
  message: 'layer: something',
  ...over,
});

describe('describeComparison says what, where, both values and the tolerance', () => {
  test.each([
    [{}, 'vjp wrong at input 0 at [2, 1]: analytic 1.5000000, numeric 1.2500000 (abs error 2.5e-1, rel error 1.7e-1, tolerance 1.0e-8)'],
    [{ output: [3] }, 'vjp wrong at input 0 at [2, 1], output [3]: analytic'],
    [{ output: [] }, 'vjp wrong at input 0 at [2, 1], output (scalar): analytic'],
    [{ input: null, index: [], quantity: 'jvp' as const }, 'jvp wrong at a random projection ⟨v, J u⟩: analytic'],
    [{ quantity: 'duality' as const }, 'jvp and vjp disagree (duality) at input 0 at [2, 1]: jvp 1.5000000, vjp 1.2500000'],
    [{ verdict: 'nonsmooth' as const, oneSided: [0, 1] as [number, number] }, 'kink at input 0 at [2, 1]: analytic 1.5000000, numeric 1.2500000 (abs error 2.5e-1, rel error 1.7e-1, tolerance 1.0e-8; one-sided derivatives [0, 1.0000000])'],
  ])('%j', (over, expected) => {
    expect(describeComparison(comparison(over))).toContain(expected);
  });

  test.each([
    [0, '0'],
    [1e-3, '0.0010000000'],
    [9.99e-4, '9.990000e-4'],
    [-0.5, '-0.50000000'],
    [9999, '9999.0000'],
    [1e4, '1.000000e+4'],
    [-2e5, '-2.000000e+5'],
  ])('values are written with 8 significant digits between 1e-3 and 1e4, in exponent form outside: %d', (value, written) => {
    expect(describeComparison(comparison({ analytic: value }))).toContain(`analytic ${written},`);
  });

  test('errors and tolerances get two digits, and an exact 0 is written 0', () => {
    expect(describeComparison(comparison({ absError: 0, relError: 0, tolerance: 0.000123 }))).toContain('(abs error 0, rel error 0, tolerance 1.2e-4)');
  });
});

describe('formatReport is a table a person can find the bug from', () => {
  test('exactly: header, message, aligned columns, legend, evaluations', () => {
    const text = formatReport(report({
      mismatches: [comparison({ output: [3] }), comparison({ input: null, index: [], verdict: 'nonsmooth', analytic: -2, numeric: 0 }), comparison({ input: 1, index: [0], verdict: 'agree' })],
    }));
    expect(text).toBe([
      'gradcheck layer: FAIL (auto mode, seed 7)',
      'layer: something',
      '',
      '  input  index  output  quantity  analytic    numeric    abs err  rel err  tolerance  verdict',
      '  0      [2,1]  [3]     vjp       1.5000000   1.2500000  2.5e-1   1.7e-1   1.0e-8     FAIL',
      '  probe  ·      v       vjp       -2.0000000  0          2.5e-1   1.7e-1   1.0e-8     KINK',
      '  1      [0]    v       vjp       1.5000000   1.2500000  2.5e-1   1.7e-1   1.0e-8     ok',
      '  (output v: projected on a random cotangent v; probe: along a random direction u)',
      '',
      'evaluations: forward 12, vjp 3, jvp 1',
    ].join('\n'));
  });

  test('float32 arithmetic is named in the header', () => {
    expect(formatReport(report({ precision: 'float32' }))).toMatch(/^gradcheck layer: FAIL \(auto mode, seed 7, float32 arithmetic\)\n/);
    expect(formatReport(report({ precision: 'float64', verdict: 'pass', mode: 'full' }))).toMatch(/^gradcheck layer: PASS \(full mode, seed 7\)\n/);
  });

  test('at most maxRows mismatches are listed, and the rest counted', () => {
    const many = report({ mismatches: Array.from({ length: 12 }, (_, i) => comparison({ index: [i] })) });
    expect(formatReport(many).match(/FAIL$/gm)).toHaveLength(10);
    expect(formatReport(many)).toContain('\n  … and 2 more\n');
    expect(formatReport(many, 12)).not.toContain('more');
    expect(formatReport(many, 3).match(/FAIL$/gm)).toHaveLength(3);
  });

  test('with no mismatch the worst comparison is shown; with neither, no table at all', () => {
    expect(formatReport(report({ worst: comparison({ verdict: 'agree' }) }))).toContain('\n  0      [2,1]  v       vjp       1.5000000  1.2500000  2.5e-1   1.7e-1   1.0e-8     ok\n');
    expect(formatReport(report())).toBe('gradcheck layer: FAIL (auto mode, seed 7)\nlayer: something\n\nevaluations: forward 12, vjp 3, jvp 1');
  });
});

describe('the ledger keeps the worst comparison and every mismatch', () => {
  test('failures outrank kinks, kinks outrank agreements, and within a verdict the furthest past its tolerance wins', () => {
    const agree = comparison({ verdict: 'agree', absError: 1, tolerance: 2 });
    const kink = comparison({ verdict: 'nonsmooth', absError: 0, tolerance: 1 });
    const fail = comparison({ absError: 2, tolerance: 1 });
    const worse = comparison({ absError: 3, tolerance: 1 });
    expect([moreSevere(kink, agree), moreSevere(agree, kink), moreSevere(fail, kink), moreSevere(kink, fail)]).toEqual([true, false, true, false]);
    expect([moreSevere(worse, fail), moreSevere(fail, worse), moreSevere(fail, fail)]).toEqual([true, false, false]);
    expect(mostSevere([agree, fail, kink, worse])).toBe(worse);
    expect(mostSevere([])).toBeUndefined();
  });

  test('a zero tolerance: any error is infinitely past it, no error is not past it at all', () => {
    const exact = comparison({ absError: 0, tolerance: 0 });
    const off = comparison({ absError: 1e-300, tolerance: 0 });
    const far = comparison({ absError: 1e300, tolerance: 1 });
    expect([moreSevere(off, far), moreSevere(far, off), moreSevere(exact, far), moreSevere(far, exact)]).toEqual([true, false, false, true]);
  });

  test('counts every comparison, keeps the worst, and lists all that did not agree', () => {
    const ledger = new Ledger();
    const agree = comparison({ verdict: 'agree' });
    const kink = comparison({ verdict: 'nonsmooth' });
    expect(ledger.add(agree)).toBe(agree);
    expect(ledger.worst).toBe(agree);
    ledger.add(kink);
    ledger.add(comparison({ verdict: 'agree', absError: 10 }));
    expect(ledger.count).toBe(3);
    expect(ledger.worst).toBe(kink);
    expect(ledger.mismatches).toEqual([kink]);
  });
});

describe('options', () => {
  const float64 = Float64Array.of(0.1);
  test('defaults: auto mode, seed 0, two probes, float64 steps and rounding, 32 entries localised one by one, 8 mismatches', () => {
    expect(resolveOptions({}, float64)).toEqual({
      mode: 'auto', precision: 'float64', seed: 0, probes: 2, eps: 2 ** -53, step: 2 ** -7, levels: 4, entrywiseLimit: 32, maxMismatches: 8,
    });
  });

  test('given values win, a fixed tolerance fills the other bound with 0, float32 takes its own unit and step', () => {
    expect(resolveOptions({ mode: 'full', seed: 3, probes: 5, entrywiseLimit: 4, maxMismatches: 2, precision: 'float32', atol: 1e-3 }, float64)).toEqual({
      mode: 'full', precision: 'float32', seed: 3, probes: 5, eps: 2 ** -24, step: 2 ** -4, levels: 4, entrywiseLimit: 4, maxMismatches: 2, tolerance: { atol: 1e-3, rtol: 0 },
    });
    expect(resolveOptions({ rtol: 1e-2 }, float64).tolerance).toEqual({ atol: 0, rtol: 1e-2 });
    expect(resolveOptions({ precision: 'float64' }, Float64Array.of(Math.fround(0.1))).precision).toBe('float64');
    expect(resolveOptions({ precision: 'auto' }, Float64Array.of(Math.fround(0.1))).precision).toBe('float32');
  });

  test.each([
    [[Math.fround(0.1), Math.fround(-2.7)], 'float32'],
    [[0.1], 'float64'],
    [[Math.fround(0.1), 0.1], 'float64'],
    [[0, 1, 0.5, -3, 2 ** -20], 'float64'],
    [[0, 1 + 2 ** -12], 'float64'],
    [[1 + 2 ** -13], 'float32'],
    [[], 'float64'],
  ])('arithmeticOf %j is %s: float32 only when every value is a float32 and one needs more than 12 bits', (values, expected) => {
    expect(arithmeticOf(Float64Array.from(values))).toBe(expected);
  });
});
