/**
 * Tests that kill the mutants Stryker left alive in src/check (see MUTATION.md): the exact words and
 * layout of reports, the ranking of comparisons, the defaults of the options. Each pins behaviour a
 * user reads or relies on, so a change to it should be a decision, not an accident.
 */
import { describe, expect, test } from 'vitest';
import { Tensor, scalar, tensor } from '../tensor/index.js';
import { type NumericDerivative, judge } from './compare.js';
import { numericOf } from './numeric.js';
import { type Differentiable, checkGradients, describeComparison, formatReport } from './index.js';
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
    [{ output: [1, 2] }, 'vjp wrong at input 0 at [2, 1], output [1, 2]: analytic'],
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
      mode: 'auto', precision: 'float64', seed: 0, probes: 2, eps: 2 ** -53, step: 2 ** -7, levels: 4, smallestStep: 2 ** -30, exactStep: 2 ** -34, entrywiseLimit: 32, maxMismatches: 8,
    });
  });

  test('given values win, a fixed tolerance fills the other bound with 0, float32 takes its own unit and step', () => {
    expect(resolveOptions({ mode: 'full', seed: 3, probes: 5, entrywiseLimit: 4, maxMismatches: 2, precision: 'float32', atol: 1e-3 }, float64)).toEqual({
      mode: 'full', precision: 'float32', seed: 3, probes: 5, eps: 2 ** -24, step: 2 ** -4, levels: 4, smallestStep: 2 ** -15, exactStep: 2 ** -7,
      entrywiseLimit: 4, maxMismatches: 2, tolerance: { atol: 1e-3, rtol: 0 },
    });
    expect(resolveOptions({ rtol: 1e-2 }, float64).tolerance).toEqual({ atol: 0, rtol: 1e-2 });
    expect(resolveOptions({ precision: 'float64' }, Float64Array.of(Math.fround(0.1))).precision).toBe('float64');
    expect(resolveOptions({ precision: 'auto' }, Float64Array.of(Math.fround(0.1), Math.fround(0.7))).precision).toBe('float32');
  });

  test.each([
    [[Math.fround(0.1), Math.fround(-2.7)], 'float32'],
    [[0.1], 'float64'],
    [[Math.fround(0.1), 0.1], 'float64'],
    [[0, 1, 0.5, -3, 2 ** -20], 'float64'],
    [[0, 1 + 2 ** -12], 'float64'],
    [[1 + 2 ** -13, 0], 'float32'],
    // one value alone says nothing: a short difference of large terms lands on a float32 by accident
    [[1 + 2 ** -13], 'float64'],
    [[30 + Math.log1p(Math.exp(-24)) - 30], 'float64'],
    [[], 'float64'],
  ])('arithmeticOf %j is %s: float32 only when every value of several is a float32 and one needs more than 12 bits', (values, expected) => {
    expect(arithmeticOf(Float64Array.from(values))).toBe(expected);
  });
});

// ---- checkGradients, end to end: verdicts, problems, messages, counts ----

/** f(x) = Σ c_i·x_i² (c_i = i + 1), with its gradient 2c_i·x_i, optionally off by `slip` at some entries. */
function quadratic(name = 'quadratic', slip: Record<number, number> = {}): Differentiable {
  return {
    name,
    forward: ([x]) => scalar(x!.data.reduce((s, v, i) => s + (i + 1) * v * v, 0)),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.item() * (2 * (i + 1) * v + (slip[i] ?? 0))), x!.shape)],
  };
}
const x4 = tensor([0.5, -1.25, 2, 0.75]);

describe('checkGradients: problems and verdicts', () => {
  const base = quadratic();
  test.each([
    ['a forward that throws', { ...base, forward: () => { throw new Error('no'); } }, 'error', 'throws'],
    ['a forward that returns no tensor', { ...base, forward: () => null as unknown as Tensor }, 'error', 'not-a-tensor'],
    ['a non-finite output', { ...base, forward: () => scalar(Infinity) }, 'error', 'non-finite-output'],
    ['a gradient of the wrong shape', { ...base, vjp: () => [scalar(0)] }, 'fail', 'gradient-shape'],
    ['a non-finite gradient', { ...base, vjp: () => [tensor([0, NaN, 0, 0])] }, 'fail', 'non-finite-gradient'],
    ['a gradient that is not a tensor', { ...base, vjp: () => [[1, 2, 3, 4] as unknown as Tensor] }, 'error', 'not-a-tensor'],
  ] as [string, Differentiable, string, string][])('%s: verdict %s, problem %s', (_, target, verdict, problem) => {
    const report = checkGradients(target, [x4]);
    expect([report.verdict, report.problem, report.ok]).toEqual([verdict, problem, false]);
  });

  test('a pass has no problem; a numeric failure is a mismatch', () => {
    expect(checkGradients(base, [x4]).problem).toBeUndefined();
    expect(checkGradients(quadratic('q', { 1: 0.5 }), [x4]).problem).toBe('mismatch');
  });

  test('a target whose properties throw when read is a bad target, named with what was thrown, never the checker’s failure', () => {
    const strange = { ...base, get nondifferentiable(): number[] { throw new TypeError('strange getter'); } };
    const report = checkGradients(strange, [x4]);
    expect([report.verdict, report.problem]).toEqual(['error', 'bad-target']);
    expect(report.message).toBe("quadratic: reading the target's nondifferentiable threw TypeError: strange getter");
    const thrown = { ...base, get nondifferentiable(): number[] { throw 'a string'; } };
    expect(checkGradients(thrown, [x4]).message).toBe("quadratic: reading the target's nondifferentiable threw a string");
  });

  test('bad inputs: named by position, and everything that is not a list of tensors', () => {
    const at = (inputs: unknown) => checkGradients(base, inputs as Tensor[]);
    expect(at('x')).toMatchObject({ problem: 'bad-input', verdict: 'error', message: 'quadratic: inputs must be an array of Tensors; got string x' });
    expect(at(['x', x4]).message).toBe('quadratic: inputs must be an array of Tensors; input 0 is string x');
    expect(at([x4, null]).message).toBe('quadratic: inputs must be an array of Tensors; input 1 is null');
    expect(at([x4, undefined]).message).toMatch(/input 1 is undefined$/);
    expect(at([x4, [1]]).message).toMatch(/input 1 is an array of length 1 \(make it one with tensor\(...\)\)$/);
    expect(at([x4, new Map()]).message).toMatch(/input 1 is an object \(Map\)$/);
    expect(at([x4, Object.create(null)]).message).toMatch(/input 1 is an object \(Object\)$/);
    expect(at([tensor([1, NaN])])).toMatchObject({ problem: 'bad-input', message: 'quadratic: input 0 [2] is not finite at flat index 1 (NaN)' });
    expect(at([new Tensor(new Float64Array(0), [0])])).toMatchObject({ problem: 'bad-input', message: 'quadratic: nothing to differentiate — no differentiable input has any entries' });
    expect(checkGradients({ ...base, forward: () => new Tensor(new Float64Array(0), [0]) }, [x4])).toMatchObject({ problem: 'bad-input' });
  });

  test('a forward whose output changes size or value between two calls is named as nondeterministic', () => {
    let calls = 0;
    const growing = { ...base, forward: () => new Tensor(new Float64Array(++calls).fill(1), [calls]) };
    expect(checkGradients(growing, [x4]).message).toBe('quadratic: forward is not deterministic — the same input gave shapes [1] then [2]');
    let drift = 0;
    const drifting = { ...base, forward: () => tensor([1, 2 + drift++]) };
    expect(checkGradients(drifting, [x4]).message).toBe('quadratic: forward is not deterministic — the same input gave 2 then 3 at flat index 1');
  });

  test('a forward that fails only beside the input names why no finite difference can be taken', () => {
    const at = (forward: (x: Tensor) => unknown) => checkGradients({ ...base, forward: ([x]) => (x!.data[0] === 0.5 ? base.forward([x!]) : forward(x!)) as Tensor }, [x4]);
    expect(at(() => { throw new RangeError('off the grid'); }).message).toMatch(/no finite difference can be taken — .*forward threw RangeError: off the grid\. If an input holds integer ids/);
    expect(at(() => scalar(NaN)).message).toMatch(/forward was not finite\./);
    expect(at(() => 7).message).toMatch(/forward returned number 7\./);
    expect(at(() => 7)).toMatchObject({ verdict: 'error', problem: 'non-finite-output' });
  });

  test('jvp contract breaches are named like the vjp’s', () => {
    const withJvp = (jvp: Differentiable['jvp']) => checkGradients({ ...base, jvp }, [x4]);
    expect(withJvp(() => tensor([1, 2]))).toMatchObject({ problem: 'gradient-shape', message: 'quadratic: jvp has shape [2], expected []' });
    expect(withJvp(() => scalar(NaN))).toMatchObject({ problem: 'non-finite-gradient', message: 'quadratic: jvp is not finite: NaN at flat index 0' });
    expect(withJvp(() => { throw new Error('forward mode missing'); }).message).toBe(
      'quadratic: jvp threw Error: forward mode missing — a jvp that throws is a bug of the target: the check counts as failed (ok = false)',
    );
    const mutating = withJvp((_x, [t]) => { (t!.data as Float64Array)[2] = 0; return scalar(1); });
    expect(mutating.message).toMatch(/^quadratic: jvp mutated tangent 0 at flat index 2 \(/);
  });

  test('every forward, vjp and jvp the target receives is counted', () => {
    const calls = { forward: 0, vjp: 0, jvp: 0 };
    const counted: Differentiable = {
      name: 'counted',
      forward: (xs) => (calls.forward++, base.forward(xs)),
      vjp: (xs, g) => (calls.vjp++, base.vjp(xs, g)),
      jvp: ([x], [t]) => (calls.jvp++, scalar(x!.data.reduce((s, v, i) => s + 2 * (i + 1) * v * t!.data[i]!, 0))),
    };
    const report = checkGradients(counted, [x4]);
    expect(report.evaluations).toEqual(calls);
    expect(calls.forward).toBeGreaterThan(2);
    expect(calls.jvp).toBeGreaterThan(0);
  });

  test('finite differences along the probe direction are taken once, whatever the number of probes', () => {
    const forwards = (probes: number) => checkGradients(base, [x4], { mode: 'fast', probes }).evaluations.forward;
    expect(forwards(5)).toBe(forwards(1));
  });
});

describe('checkGradients: what the verdict says', () => {
  test('one wrong entry: named, without a count; entries listed before the probes that found them', () => {
    const report = checkGradients(quadratic('q', { 2: 0.5 }), [x4]);
    expect(report.message).toMatch(/^q: vjp wrong at input 0 at \[2\]: analytic -?\d/);
    expect(report.message).not.toMatch(/comparisons disagree/);
    expect(report.worst).toMatchObject({ input: 0, index: [2] });
    const probes = report.mismatches.map((c) => c.input === null);
    expect(probes.indexOf(true)).toBeGreaterThan(probes.lastIndexOf(false));
  });

  test('several wrong entries are counted; a search cut short by maxMismatches says so with a +', () => {
    expect(checkGradients(quadratic('q', { 0: 1, 3: 1 }), [x4]).message).toMatch(/ \(2 comparisons disagree\)$/);
    expect(checkGradients(quadratic('q', { 0: 1, 3: 1 }), [x4], { mode: 'full' }).message).toMatch(/ \(2 comparisons disagree\)$/);
    const wide = tensor(Array.from({ length: 64 }, (_, i) => 0.5 + i / 64));
    const everywhere = quadratic('q', Object.fromEntries(Array.from({ length: 64 }, (_, i) => [i, 3])));
    expect(checkGradients(everywhere, [wide], { maxMismatches: 2 }).message).toMatch(/ \(\d+\+ comparisons disagree\)$/);
  });

  test('an entry’s comparison is stated per unit of that entry', () => {
    // x = 3 has step scale 1 (it is > 1), x = 0.75 has 0.5: the wrong slopes must read as written, whatever the scale
    const report = checkGradients(quadratic('q', { 0: 1, 1: 1 }), [tensor([3, 0.75])], { mode: 'full' });
    const [first, second] = report.mismatches;
    expect(first).toMatchObject({ input: 0, index: [0], analytic: 7, absError: expect.closeTo(1, 6) });
    expect(first!.numeric).toBeCloseTo(6, 6);
    expect(second).toMatchObject({ index: [1], analytic: 4 });
    expect(second!.numeric).toBeCloseTo(3, 6);
    expect(second!.tolerance).toBeLessThan(1e-6);
  });

  test('a kink reports one-sided derivatives per unit too, and its message says kink', () => {
    const relu: Differentiable = {
      name: 'relu',
      forward: ([x]) => new Tensor(x!.data.map((v) => Math.max(v, 0)), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => (v > 0 ? g.data[i]! : 0)), x!.shape)],
    };
    const report = checkGradients(relu, [tensor([0, 0.5])], { mode: 'full' });
    expect(report.verdict).toBe('nonsmooth');
    expect(report.worst!.oneSided![0]).toBeCloseTo(0, 9);
    expect(report.worst!.oneSided![1]).toBeCloseTo(1, 9);
    expect(report.message).toMatch(/^relu: not differentiable here, and the analytic value is a one-sided derivative — kink at input 0 at \[0\], output \[0\]/);
  });

  test('a pass says how many comparisons agreed, and how closely', () => {
    const report = checkGradients(quadratic(), [x4]);
    expect(report.message).toMatch(/^quadratic: \d+ comparisons agree with finite differences \(worst relative error \d\.\de[-+]\d+, tolerance \d\.\de[-+]\d+\)$/);
  });

  test('jvp and vjp are held to each other: duality with a fixed tolerance is atol + rtol·|vjp|', () => {
    const scaled = (k: number): Differentiable => ({
      name: 'scaled',
      forward: ([x]) => new Tensor(x!.data.map((v) => 10 * v), x!.shape),
      vjp: (_x, g) => [new Tensor(g.data.map((v) => 10 * v), g.shape)],
      jvp: (_x, [t]) => new Tensor(t!.data.map((v) => k * v), t!.shape),
    });
    const x = tensor([1, -2, 3]);
    const duality = (k: number, rtol: number) => checkGradients(scaled(k), [x], { rtol, atol: 1e-3 }).mismatches.filter((c) => c.quantity === 'duality');
    expect(duality(11, 0.2)).toEqual([]);
    expect(duality(11, 0.01).length).toBeGreaterThan(0);
    const [one] = duality(11, 0.01);
    expect(one!.tolerance).toBeCloseTo(1e-3 + 0.01 * Math.abs(one!.numeric), 12);
    expect(one!.relError).toBeCloseTo(1 / 11, 12);
    const exact = checkGradients(scaled(10), [x]);
    expect(exact.verdict).toBe('pass');
  });
});

// ---- judge: one comparison, exactly ----

describe('judge', () => {
  const settings = resolveOptions({}, Float64Array.of(0.1));
  // one-sided slopes the central one's unless given: a step's central quotient is their mean
  const numeric = (over: Partial<NumericDerivative> = {}): NumericDerivative => ({
    central: 1, error: 0, left: over.central ?? 1, right: over.central ?? 1, sidedError: 0, rounding: 0, sidedRounding: 0, secant: 1, tread: 0, rough: false, limit: Infinity, crisp: true, contested: false,
    jump: 0, jumpError: 0, noise: 0, besideLeft: 1, besideRight: 1, besideError: 0, besideRounding: 0, ...over,
  });
  const where = { input: 0, index: [0], quantity: 'vjp' as const };

  test('a fixed tolerance is atol + rtol·|numeric|, and an error exactly at it agrees', () => {
    const fixed = resolveOptions({ atol: 0.25, rtol: 0.5 }, Float64Array.of(0.1));
    const c = judge(3, numeric({ central: 2 }), 0, fixed, where);
    expect(c).toMatchObject({ tolerance: 1.25, absError: 1, relError: 1 / 3, verdict: 'agree' });
    expect(judge(3.25, numeric({ central: 2 }), 0, fixed, where).verdict).toBe('agree');
    expect(judge(3.5, numeric({ central: 2 }), 0, fixed, where).verdict).toBe('fail');
  });

  test('the derived tolerance adds up the extrapolation error, the rounding in φ and in the analytic value', () => {
    const c = judge(1, numeric({ error: 1e-9, rounding: 2e-9 }), 2 ** 40, settings, where);
    expect(c.tolerance).toBeCloseTo(16 * (3e-9 + 1024 * 2 ** -53 * 2 ** 40), 20);
  });

  test('relative error against the larger magnitude, and 0 when both are 0', () => {
    expect(judge(4, numeric({ central: -1 }), 0, settings, where).relError).toBe(5 / 4);
    expect(judge(0, numeric({ central: 0, left: 0, right: 0 }), 0, settings, where).relError).toBe(0);
  });

  test('a kink: one-sided slopes apart beyond their tolerance; between them is nonsmooth, outside is fail', () => {
    const kinked = numeric({ central: 0.5, left: 0, right: 1 });
    expect(judge(0.5, kinked, 0, settings, where)).toMatchObject({ verdict: 'nonsmooth', oneSided: [0, 1] });
    expect(judge(0, kinked, 0, settings, where).verdict).toBe('nonsmooth');
    expect(judge(1, kinked, 0, settings, where).verdict).toBe('nonsmooth');
    expect(judge(-0.5, kinked, 0, settings, where).verdict).toBe('fail');
    expect(judge(1.5, kinked, 0, settings, where).verdict).toBe('fail');
  });

  test('one-sided slopes uncertain by more than the central value itself make a disagreement inconclusive, not an agreement', () => {
    // sin(1.8·10¹¹·x) where its cosine is 6e-4: the central quotients cancelled to 0.015 and settled
    const cancelled = numeric({ central: 0.015, error: 1e-4, secant: 81, left: -958, right: -916, sidedError: 1.1e8, limit: 9e8, crisp: false });
    expect(judge(7.2e7, cancelled, 0, settings, where).verdict).toBe('inconclusive');
    expect(judge(0.015, cancelled, 0, settings, where).verdict).toBe('agree');
    // its twin: sides that resolve the slope to 8% of it leave the disagreement standing (sin(4.9·10⁸·x) at ½)
    const resolved = numeric({ central: -8.31e5, error: 3e-3, secant: 157, left: -8.31e5, right: -8.31e5, sidedError: 6.6e4, limit: 4.4e8, crisp: false });
    expect(judge(-8.4e5, resolved, 0, settings, where).verdict).toBe('fail');
    // and a slope's rounding bounds what the sides are held to
    expect(judge(7.2e7, { ...cancelled, sidedError: 2, sidedRounding: 1 }, 0, settings, where).verdict).toBe('fail');
  });

  test('an agreement within a tolerance its own error makes more than 2^-10 of the slope is inconclusive; one that is rounding still agrees', () => {
    // sin(3.9·10⁹·x), fast mode, seed 38: an error of 0.3% of the slope, a tolerance of 5%, and a vjp 1% off agreed
    const barely = numeric({ central: 1.113e9, error: 3.7e6, rounding: 2e4, secant: 640, limit: 5e10, crisp: false });
    expect(judge(1.124e9, barely, 0, settings, where).verdict).toBe('inconclusive');
    expect(judge(1.113e9, barely, 0, settings, where).verdict).toBe('inconclusive');
    // what it disagrees with by more than its tolerance still fails
    expect(judge(1.3e9, barely, 0, settings, where).verdict).toBe('fail');
    // the twins: an error of 2^-15 of the slope vouches for it; so does one within 4 times the rounding,
    // not one 15 times it (sin(3.2·10⁹·x), auto mode, seed 50: a tolerance of 1.01% passed a vjp 1% off)
    expect(judge(1.113e9, { ...barely, error: 1.113e9 * 2 ** -15 }, 0, settings, where).verdict).toBe('agree');
    expect(judge(1.124e9, { ...barely, rounding: 3.7e6 / 4 }, 0, settings, where).verdict).toBe('agree');
    expect(judge(1.124e9, { ...barely, rounding: 3.7e6 / 15 }, 0, settings, where).verdict).toBe('inconclusive');
  });

  test('a line its steps alias into is no evidence when runs of steps never agreed: a slope beyond what they could show is inconclusive', () => {
    // sin(3.7·10⁶·x) at −0.54, full mode, seed 1255: four runs read lines of slope −34, a fifth 1.6·10⁶
    const aliased = numeric({ central: -33.6, error: 0.08, secant: 33.7, limit: 2.5e4, crisp: false, contested: true });
    expect(judge(1.6e6, aliased, 0, settings, where).verdict).toBe('inconclusive');
    // the twin: runs that agreed bear the line out, and the slope beyond it fails
    expect(judge(1.6e6, { ...aliased, contested: false }, 0, settings, where).verdict).toBe('fail');
    // a slope the steps could show fails either way: a zero gradient against a resolved one
    expect(judge(0, numeric({ central: -1.07e6, error: 1e-3, secant: 1e6, limit: 1e8, crisp: false, contested: true }), 0, settings, where).verdict).toBe('fail');
  });

  test('at a jump, a derivative of its sign a rise narrower than the steps would have is inconclusive; a slope the size of the function’s fails', () => {
    // tanh(2.4·10¹²·(x − c)) 1.65/w from its centre, auto mode, seed 2: a jump of 2.56 on steps down to 17/w, flat beside it
    const rise = numeric({ central: 0, jump: 2.56, jumpError: 1e-6, noise: 1e-16, besideLeft: 0, besideRight: 0, besideRounding: 1e-6, secant: 1e10, limit: 7.3e10, crisp: false });
    expect(judge(4.15e11, rise, 0, settings, where).verdict).toBe('inconclusive');
    // the twins: floor(a / b) with a / b's gradient (1/b, 10⁻¹⁰ of the jump's slope over the step), and a slope against the jump's sign
    expect(judge(0.5, rise, 0, settings, where).verdict).toBe('fail');
    expect(judge(-4.15e11, rise, 0, settings, where).verdict).toBe('fail');
    // within 2^-20 of the steepest slope the step could show, no more
    expect(judge(7.3e10 * 2 ** -20, rise, 0, settings, where).verdict).toBe('inconclusive');
    expect(judge(7.3e10 * 2 ** -21, rise, 0, settings, where).verdict).toBe('fail');
    // and 2^10 times the jump over the entry's length: float32's steps of 2^-10 make a slope the size
    // of the function's own (floor-division's a / b gradient, 1/b) 10⁻³ of the jump's over the step
    const float32 = { ...rise, jump: 1, limit: 512 };
    expect(judge(0.5, float32, 0, settings, where).verdict).toBe('fail');
    expect(judge(2 ** 10, float32, 0, settings, where).verdict).toBe('inconclusive');
  });

  test('one-sided slopes apart beyond their errors, the analytic value between them, make a disagreement inconclusive: the input may sit on a kink', () => {
    // softplus(1.06·10⁹·(x − c))/1.06·10⁹ 0.04/w past its bend, at a direction of 1.3: the central quotients settled on a relu's mean
    const bend = numeric({ central: 0.6501, error: 5.2e-5, secant: 0.65, left: 0.18, right: 1.13, sidedError: 0.214, limit: 333, crisp: false });
    expect(judge(0.6629, bend, 0, settings, where)).toMatchObject({ verdict: 'inconclusive', oneSided: [0.18, 1.13] });
    // the twins: a value beyond both sides, and sides within their errors of each other, still fail
    expect(judge(1.3, bend, 0, settings, where).verdict).toBe('fail');
    expect(judge(0.6629, { ...bend, left: 0.6, right: 0.7 }, 0, settings, where).verdict).toBe('fail');
  });

  test('a central value whose one-sided slopes break from it and bear out the analytic value fails nothing', () => {
    // sin(1.6·10⁹·x) at 0.85, full mode, seed 1024, along its direction: the central quotients aliased to 0.0019
    const aliased = numeric({ central: 0.00185, error: 0.847, rounding: 2.2e-5, left: 330783, right: 330957, sidedError: 305, sidedRounding: 3553, secant: 128, limit: 2e10, crisp: false });
    expect(judge(331102, aliased, 0, settings, where).verdict).toBe('inconclusive');
    // the twins: sides tied to the central value, or breaking from it elsewhere, leave the failure standing
    expect(judge(331102, { ...aliased, left: 0.00185, right: 0.00185 }, 0, settings, where).verdict).toBe('fail');
    expect(judge(331102, { ...aliased, left: 5e5, right: 5e5 }, 0, settings, where).verdict).toBe('fail');
  });

  test('one-sided slopes within their tolerance are no kink', () => {
    const noisy = numeric({ central: 1, left: 0, right: 1, sidedError: 1 / 16 });
    const c = judge(1, noisy, 0, settings, where);
    expect(c.verdict).toBe('agree');
    expect(c.oneSided).toBeUndefined();
    const rounded = judge(1, numeric({ central: 1, left: 0, right: 1, sidedRounding: 1 / 16 }), 0, settings, where);
    expect(rounded.oneSided).toBeUndefined();
    expect(judge(1, numeric({ left: 0, right: 1 }), 2 ** 53 / 1024 / 16, settings, where).oneSided).toBeUndefined();
    expect(judge(1, numeric({ left: 0, right: 1 }), 2 ** 53 / 1024 / 32, settings, where).oneSided).toEqual([0, 1]);
  });
});

describe('checkGradients: localisation', () => {
  /** f(x) = Σ c_i·x_i² over n entries, its gradient wrong by +3 at the given entries. */
  const wrongAt = (n: number, entries: number[]) => ({
    target: quadratic('q', Object.fromEntries(entries.map((i) => [i, 3]))),
    // not dyadic: outputs of dyadic inputs can be exact float32 values, which the checker reads as float32 arithmetic
    x: tensor(Array.from({ length: n }, (_, i) => 0.3 + (i % 7) / 10)),
  });
  const named = (report: ReturnType<typeof checkGradients>) => report.mismatches.filter((c) => c.input !== null && c.verdict === 'fail').map((c) => c.index[0]);

  test('by bisection past the entrywise limit: every wrong entry once, in order, and nothing else', () => {
    const { target, x } = wrongAt(64, [3, 40, 41]);
    expect(named(checkGradients(target, [x]))).toEqual([3, 40, 41]);
  });

  test('entry by entry up to the limit, stopping at maxMismatches in either way of searching', () => {
    const small = wrongAt(6, [1, 2, 4]);
    expect(named(checkGradients(small.target, [small.x], { maxMismatches: 2 }))).toEqual([1, 2]);
    expect(checkGradients(small.target, [small.x], { maxMismatches: 2 }).message).toMatch(/\(2\+ comparisons disagree\)$/);
    const large = wrongAt(64, [5, 20, 50]);
    expect(named(checkGradients(large.target, [large.x], { maxMismatches: 1 }))).toHaveLength(1);
    expect(named(checkGradients(large.target, [large.x], { entrywiseLimit: 64, maxMismatches: 2 }))).toEqual([5, 20]);
  });

  test('an entry on the boundary of two halves is found, in an input too large to look at every entry', () => {
    const { target, x } = wrongAt(2048, [0, 1024]);
    expect(named(checkGradients(target, [x]))).toEqual([0, 1024]);
  });

  test('an entry of a later input is located in that input', () => {
    const two: Differentiable = {
      name: 'two',
      forward: ([a, b]) => scalar(a!.data.reduce((s, v) => s + v * v, 0) + b!.data.reduce((s, v) => s + v * v * v, 0)),
      vjp: ([a, b], g) => [new Tensor(a!.data.map((v) => 2 * v * g.item()), a!.shape), new Tensor(b!.data.map((v, i) => (3 * v * v + (i === 1 ? 1 : 0)) * g.item()), b!.shape)],
    };
    const report = checkGradients(two, [tensor([0.5, 1.5, -1]), tensor([[0.25, 2], [1, -0.5]])]);
    expect(report.worst).toMatchObject({ input: 1, index: [0, 1] });
  });
});

describe('checkGradients: probes', () => {
  test('cotangents take both signs: a vjp that uses |g| is caught', () => {
    const identity: Differentiable = {
      name: 'identity with |g|',
      forward: ([x]) => x!,
      vjp: (_x, g) => [new Tensor(g.data.map(Math.abs), g.shape)],
    };
    for (const seed of [0, 1, 2]) expect(checkGradients(identity, [tensor([1, 2, 3, 4])], { seed, mode: 'fast' }).verdict).toBe('fail');
  });

  test('an all-zero input borrows a step of 1, and zeros beside small entries their scale', () => {
    expect(checkGradients(quadratic(), [tensor([0, 0, 0])]).verdict).toBe('pass');
    expect(checkGradients(quadratic('q', { 0: 1e-3 }), [tensor([0, 1e-3, -2e-3])]).worst).toMatchObject({ input: 0, index: [0] });
  });
});

test('ranking within a verdict is by how far past the tolerance, not by the error alone', () => {
  const slightly = comparison({ absError: 2, tolerance: 4 });
  const far = comparison({ absError: 1, tolerance: 0.1 });
  expect(moreSevere(far, slightly)).toBe(true);
  expect(moreSevere(slightly, far)).toBe(false);
});

// ---- pinned after a second Stryker run: thresholds, per-unit restatement, messages ----

describe('judge: a jump in slope is a kink only past ∛ε of the larger slope', () => {
  const numeric = (left: number, right: number, sidedError = 0): NumericDerivative => ({
    central: (left + right) / 2, error: 0, left, right, sidedError, rounding: 0, sidedRounding: 0, secant: 1, tread: 0, rough: false, limit: Infinity, crisp: true, contested: false,
    jump: 0, jumpError: 0, noise: 0, besideLeft: left, besideRight: right, besideError: 0, besideRounding: 0,
  });
  const where = { input: 0, index: [0], quantity: 'vjp' as const };
  const float64 = resolveOptions({}, Float64Array.of(0.1));
  const float32 = resolveOptions({ precision: 'float32' }, Float64Array.of(0.1));
  test.each([
    ['1 → 1 + 1e-7', float64, 1, 1 + 1e-7],
    ['100 → 100 + 1e-4: the threshold grows with the slope', float64, 100, 100 + 1e-4],
    ['1 → 1 + 2^-8 + 2^-17 in float32: it is the larger slope that counts', float32, 1, 1 + 2 ** -8 + 2 ** -17],
    ['255 → 256 in float32: a jump of exactly ∛ε·256 = 1', float32, 255, 256],
  ])('no kink: %s', (_, settings, left, right) => {
    expect(judge(left, numeric(left, right), 0, settings, where).oneSided).toBeUndefined();
  });

  test('a value exactly the sided tolerance below the lower slope is still between the slopes', () => {
    // the sided tolerance with no rounding or analytic scale is 16 times the sided error
    const kinked = numeric(0, 1, 2 ** -10);
    expect(judge(-16 * 2 ** -10, kinked, 0, float64, where).verdict).toBe('nonsmooth');
    expect(judge(-17 * 2 ** -10, kinked, 0, float64, where).verdict).toBe('fail');
  });
});

describe('numericOf picks one derivative out of the vector ones', () => {
  const estimate = (value: number[], error: number[], step: number[]) => ({ value: Float64Array.from(value), error: Float64Array.from(error), step: Float64Array.from(step) });
  const d = {
    central: estimate([1, 2], [0.5, -0.25], [0.5, 0.25]),
    left: estimate([3, 4], [0.125, 1], [0.5, 0.25]),
    right: estimate([5, 6], [2, 4], [0.25, 0.25]),
    jump: estimate([7, 8], [0.5, 1], [1, 1]),
    beside: { left: estimate([9, 10], [1, 2], [0.5, 0.5]), right: estimate([11, 12], [4, 8], [0.25, 0.5]) },
    rounding: Float64Array.of(1, 2),
    secant: Float64Array.of(16, 32),
    tread: Float64Array.of(0, 64),
    rough: Uint8Array.of(0, 1),
    summed: Uint8Array.of(0, 0),
    limit: Float64Array.of(128, 256),
    crisp: false,
    contested: Uint8Array.of(1, 0),
    confirmed: false,
  };
  test('an output entry: its values, errors summed over both sides, rounding over each step', () => {
    expect(numericOf(d, 1)).toEqual({
      central: 2, error: 0.25, left: 4, right: 6, sidedError: 5, rounding: 8, sidedRounding: 16, secant: 32, tread: 64, rough: true, limit: 256, crisp: false, contested: false,
      jump: 8, jumpError: 1, noise: 2, besideLeft: 10, besideRight: 12, besideError: 10, besideRounding: 8,
    });
  });
  test('a cotangent: values projected, errors and rounding by absolute terms', () => {
    expect(numericOf(d, Float64Array.of(1, -2))).toEqual({
      central: -3, error: 1, left: -5, right: -7, sidedError: 2.125 + 10, rounding: 2 + 16, sidedRounding: 2 + 16 + 4 + 16, secant: 16 + 64, tread: 0, rough: true, limit: 128 + 512, crisp: false, contested: true,
      jump: -9, jumpError: 2.5, noise: 5, besideLeft: -11, besideRight: -13, besideError: 5 + 20, besideRounding: 2 + 8 + 4 + 8,
    });
  });
});

describe('checkGradients: more of what the report says', () => {
  const base = quadratic();
  const at = (inputs: unknown) => checkGradients(base, inputs as Tensor[]);

  test('the hint to use tensor(...) is given for arrays and numbers at any position, and a tensor alone is named', () => {
    expect(at([[0.5, 1], x4]).message).toBe('quadratic: inputs must be an array of Tensors; input 0 is an array of length 2 (make it one with tensor(...))');
    expect(at([x4, 3]).message).toBe('quadratic: inputs must be an array of Tensors; input 1 is number 3 (make it one with tensor(...))');
    expect(at(x4).message).toBe('quadratic: inputs must be an array of Tensors; got a tensor of shape [4]');
  });

  test('a gradient that is not a tensor is named with what it is', () => {
    expect(checkGradients({ ...base, vjp: () => [[1, 2, 3, 4] as unknown as Tensor] }, [x4]).message).toBe('quadratic: vjp gradient for input 0 must be a Tensor, got an array of length 4');
  });

  test('an async forward is told to be synchronous, and an unnamed target still gets a name in messages', () => {
    const asyncForward = checkGradients({ ...base, forward: async () => scalar(1) } as unknown as Differentiable, [x4]);
    expect(asyncForward).toMatchObject({ verdict: 'error', problem: 'not-a-tensor' });
    expect(asyncForward.message).toBe('quadratic: forward must return a Tensor, got a Promise (derivatives are checked synchronously: await nothing inside, read tfjs tensors with dataSync())');
    for (const name of [undefined, '']) {
      const unnamed = checkGradients({ ...base, name } as unknown as Differentiable, [x4]);
      expect(unnamed.target).toBe('(unnamed target)');
      expect(unnamed.message).toMatch(/^\(unnamed target\): /);
    }
  });

  test('an output that is partly not finite, or changes size, beside the input gives no finite difference', () => {
    const pair = (beside: (x: Tensor) => Tensor): Differentiable => ({
      name: 'pair',
      forward: ([x]) => (x!.data[0] === 0.5 ? tensor([base.forward([x!]).item(), 1]) : beside(x!)),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.data[0]! * 2 * (i + 1) * v), x!.shape)],
    });
    const partly = checkGradients(pair(() => tensor([1, NaN])), [x4]);
    expect(partly).toMatchObject({ verdict: 'error', problem: 'non-finite-output' });
    expect(partly.message).toBe(
      'pair: no finite difference can be taken — at every step size near the input, on one side at least, forward was not finite. ' +
        'If an input holds integer ids or class targets, list its position in `nondifferentiable`. If the input is on the boundary of the domain (sqrt or log at 0), move it inside.',
    );
    const resized = checkGradients(pair(() => tensor([1, 2, 3])), [x4]);
    expect(resized).toMatchObject({ verdict: 'error', problem: 'non-finite-output' });
    expect(resized.message).toMatch(/on one side at least, forward gave 3 values where it gave 2 at the input\. If an input/);
  });

  test('an entry named beats a projection further past its tolerance, and projections of a named quantity are not counted', () => {
    // f + 1e6 makes the entries' tolerance (rounding of f) far wider than duality's (rounding of the derivatives)
    const wrong = quadratic('q', { 2: 1 });
    const target: Differentiable = {
      ...wrong,
      forward: (xs) => scalar(1e6 + 0.1 + wrong.forward(xs).item()),
      jvp: ([x], [t]) => scalar(x!.data.reduce((s, v, i) => s + 2 * (i + 1) * v * t!.data[i]!, 0)),
    };
    const report = checkGradients(target, [x4]);
    const excess = (c: Comparison) => c.absError / c.tolerance;
    const duality = report.mismatches.filter((c) => c.quantity === 'duality');
    expect(duality.map((c) => c.index)).toEqual([[], []]);
    expect(Math.min(...duality.map(excess))).toBeGreaterThan(excess(report.worst!));
    expect(report.worst).toMatchObject({ input: 0, index: [2], quantity: 'vjp' });
    expect(report.message).toMatch(/^q: vjp wrong at input 0 at \[2\]: .* \(3 comparisons disagree\)$/);
  });

  test('full mode restates every entry per unit: errors, tolerances and one-sided slopes', () => {
    // x = 0.75 steps by 1/2; a zero beside 0.5 borrows the rms, 0.35, and steps by 1/4
    const report = checkGradients(quadratic('q', { 1: 1 }), [tensor([3, 0.75])], { mode: 'full', rtol: 0.1 });
    expect(report.mismatches).toHaveLength(1);
    expect(report.mismatches[0]).toMatchObject({ input: 0, index: [1], output: [], quantity: 'vjp', analytic: 4 });
    expect(report.mismatches[0]!.absError).toBeCloseTo(1, 9);
    expect(report.mismatches[0]!.tolerance).toBeCloseTo(0.3, 9);
    const abs: Differentiable = {
      name: 'abs',
      forward: ([x]) => new Tensor(x!.data.map(Math.abs), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => Math.sign(v) * g.data[i]!), x!.shape)],
    };
    const kink = checkGradients(abs, [tensor([0, 0.5])], { mode: 'full' }).worst!;
    expect(kink.oneSided![0]).toBeCloseTo(-1, 9);
    expect(kink.oneSided![1]).toBeCloseTo(1, 9);
  });
});

describe('a few more exact words', () => {
  test('a table row names a multi-index output with commas', () => {
    expect(formatReport(report({ mismatches: [comparison({ output: [1, 2] })] }))).toContain('\n  0      [2,1]  [1,2]   vjp ');
  });

  test('one wrong entry: the message ends with the comparison, nothing after it', () => {
    expect(checkGradients(quadratic('q', { 2: 0.5 }), [x4]).message).toMatch(/^q: vjp wrong at input 0 at \[2\]: .*, tolerance \d\.\de[-+]\d+\)$/);
  });

  test('a forward whose output shrinks between two calls is nondeterministic, though what remains agrees', () => {
    let calls = 0;
    const shrinking = { ...quadratic(), forward: () => tensor(calls++ === 0 ? [1, 2] : [1]) };
    expect(checkGradients(shrinking, [x4]).message).toBe('quadratic: forward is not deterministic — the same input gave shapes [2] then [1]');
  });
});
