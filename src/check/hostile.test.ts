/**
 * Hostile targets, each with its correct twin (issue 14): the verdict is one a user can trust — no
 * wrong gradient passes, no correct one fails, and nothing a user hands over makes checkGradients
 * throw or blame itself.
 */
import { describe, expect, test } from 'vitest';
import { Tensor, randn, scalar, tensor } from '../tensor/index.js';
import { type Differentiable, type GradCheckReport, type Mode, checkGradients, formatReport } from './index.js';

const modes: Mode[] = ['auto', 'fast', 'full'];

function elementwise(name: string, f: (x: number) => number, df: (x: number) => number): Differentiable {
  return {
    name,
    forward: ([x]) => new Tensor(x!.data.map(f), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v) * g.data[i]!), x!.shape)],
  };
}
const text = (report: GradCheckReport) => formatReport(report);

describe('a jump at the input is named, and judged apart from every other entry', () => {
  /** [x₀ > 0] + Σ_{i>0} x_i², its gradient given by `gradient`. */
  const stepPlusSquares = (name: string, gradient: (x: Float64Array) => number[]): Differentiable => ({
    name,
    forward: ([x]) => scalar((x!.data[0]! > 0 ? 1 : 0) + x!.data.slice(1).reduce((s, v) => s + v * v, 0)),
    vjp: ([x], g) => [new Tensor(Float64Array.from(gradient(x!.data)).map((v) => v * g.item()), x!.shape)],
  });
  const at = tensor([0, 0.5, -1.2, 0.7]);
  const right = stepPlusSquares('step + squares', (x) => [0, ...Array.from(x.slice(1), (v) => 2 * v)]);
  const zero = stepPlusSquares('step + squares, zero vjp', () => [0, 0, 0, 0]);
  const oneOff = stepPlusSquares('step + squares, one entry 0.1% off', (x) => [0, 2 * x[1]!, 2.002 * x[2]!, 2 * x[3]!]);

  test.each(modes)('its correct gradient is nonsmooth, the jump named with its entry (%s mode)', (mode) => {
    const report = checkGradients(right, [at], { mode });
    expect(report.verdict, text(report)).toBe('nonsmooth');
    expect(report.ok).toBe(true);
    expect(report.worst).toMatchObject({ input: 0, index: [0], verdict: 'nonsmooth', jump: expect.any(Number) });
    expect(report.message).toMatch(/^step \+ squares: not continuous here \(its value jumps\), and the analytic value is a one-sided derivative — jump at input 0 at \[0\]/);
  });

  test.each(modes)('an all-zero vjp fails on the entries beside the jump, which no tolerance hides (%s mode)', (mode) => {
    const report = checkGradients(zero, [at], { mode });
    expect(report.verdict, text(report)).toBe('fail');
    const named = report.mismatches.filter((c) => c.verdict === 'fail' && c.input !== null).map((c) => c.index[0]);
    expect(named.length).toBeGreaterThan(0);
    expect(named).not.toContain(0);
    // the jump never reaches an entry's tolerance: those failures are judged to rounding
    expect(Math.max(...report.mismatches.filter((c) => c.verdict === 'fail' && c.input !== null).map((c) => c.tolerance))).toBeLessThan(1e-6);
  });

  test.each(['auto', 'full'] as const)('one entry 0.1 percent off beside the jump is named (%s mode)', (mode) => {
    const report = checkGradients(oneOff, [at], { mode });
    expect(report.verdict, text(report)).toBe('fail');
    expect(report.worst).toMatchObject({ input: 0, index: [2] });
  });

  // the value at the jump, the slopes on either side: floor, sign, round, floor-division, a mask
  const jumps: [string, Differentiable, Tensor[], Differentiable][] = [
    ['floor at an integer', elementwise('floor', Math.floor, () => 0), [tensor([1, 0.3, -2])], elementwise('floor, straight-through', Math.floor, () => 1)],
    ['sign at 0', elementwise('sign', Math.sign, () => 0), [tensor([0, 0.5, -1.5])], elementwise('sign, as tanh′', Math.sign, () => 1)],
    ['round at a half', elementwise('round', Math.round, () => 0), [tensor([0.5, 1.2, 2.5])], elementwise('round, straight-through', Math.round, () => 1)],
    ['a mask x·[x > ½] at ½', elementwise('mask', (x) => (x > 0.5 ? x : 0), (x) => (x > 0.5 ? 1 : 0)), [tensor([0.5, 0.7, 0.2])], elementwise('mask, 1% off', (x) => (x > 0.5 ? x : 0), (x) => (x > 0.5 ? 1.01 : 0))],
    ['floor-division a // b at a multiple', floorDivision(false), [tensor([6, 7.5]), tensor([3, 2])], floorDivision(true)],
    ['floor-division a // b at multiples only', floorDivision(false), [tensor([6, 8]), tensor([3, 2])], floorDivision(true)],
  ];
  test.each(jumps)('%s: the right gradient is nonsmooth, the wrong one fails', (_, correct, inputs, wrong) => {
    for (const mode of modes) {
      const good = checkGradients(correct, inputs, { mode });
      expect(good.verdict, `${mode}\n${text(good)}`).toBe('nonsmooth');
      expect(good.mismatches.some((c) => c.jump !== undefined && c.input !== null), text(good)).toBe(true);
      const bad = checkGradients(wrong, inputs, { mode });
      expect(bad.verdict, `${mode}\n${text(bad)}`).toBe('fail');
    }
  });

  test('a rise narrower than every step, tanh(w·(x − c)) at w = 2.4·10¹², is not failed for a jump: the check says it cannot tell, and why', () => {
    const w = 2357610485917.3086;
    const c = 0.8371606397913645;
    const x = tensor([0.8371606397906648, 1.5012314963271645, 1.2602477584667557, 1.5354327587542902]);
    const rise = (k: number) => elementwise(`tanh(w·(x − c))${k === 1 ? '' : ', 1% off'}`, (v) => Math.tanh(w * (v - c)), (v) => k * w * (1 - Math.tanh(w * (v - c)) ** 2));
    for (const mode of modes) {
      const right = checkGradients(rise(1), [x], { mode, seed: 2 });
      expect(right.verdict, `${mode}\n${text(right)}`).toBe('inconclusive');
      expect(right.message).toMatch(/is what a rise narrower than every step would have \(a steep tanh or sigmoid\)/);
      expect(checkGradients(rise(1.01), [x], { mode, seed: 2 }).verdict).not.toBe('pass');
    }
  });

  test('float32 floor-division at multiples only, with a / b’s gradient, fails at the jumps in every mode: a slope the size of the function’s own is no rise', () => {
    // float32's steps are 2^-10 of an entry: 1/b is 10⁻³ of the jump's slope over them
    const fround = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape);
    const float32 = (target: Differentiable): Differentiable => ({
      name: `${target.name}, float32`,
      forward: (xs) => fround(target.forward(xs)),
      vjp: (xs, g) => target.vjp(xs, g).map(fround),
    });
    const inputs = [tensor([1, 2, 3, 4]), tensor([0.25, 0.5, 0.125, 2])];
    for (const mode of modes) {
      const bad = checkGradients(float32(floorDivision(true)), inputs, { mode });
      expect(bad.verdict, `${mode}\n${text(bad)}`).toBe('fail');
      expect(checkGradients(float32(floorDivision(false)), inputs, { mode }).ok).toBe(true);
    }
  });

  test('a jump followed down the exact steps reads the slopes beside it on the steps above them: [x > 1] + x² at 1 with 2x + 10⁻³ fails', () => {
    // its slopes beside the jump, read on the smallest steps, agreed with 2x + 10⁻³ within 8.7e-4
    const step = (gradient: (x: number) => number) => elementwise('[x > 1] + x²', (x) => (x > 1 ? 1 : 0) + x * x, gradient);
    expect(checkGradients(step((x) => 2 * x + 1e-3), [tensor([1])], { mode: 'auto', seed: 22 }).verdict).toBe('fail');
    expect(checkGradients(step((x) => 2 * x), [tensor([1])], { mode: 'auto', seed: 22 }).verdict).toBe('nonsmooth');
  });

  test('just below a jump, where the smallest steps no longer cross it, a wrong gradient fails', () => {
    // floor at 1 − 1e-9, scale ½: the steps reach 2^-31, below the distance to the jump
    expect(checkGradients(elementwise('floor', Math.floor, () => 100), [tensor([1 - 1e-9, 0.3])]).verdict).toBe('fail');
    expect(checkGradients(elementwise('floor', Math.floor, () => 0), [tensor([1 - 1e-9, 0.3])]).ok).toBe(true);
  });
});

/** a // b elementwise; TensorFlow.js's gradient is that of a / b, where the true one is 0. */
function floorDivision(likeTfjs: boolean): Differentiable {
  return {
    name: likeTfjs ? 'floorDiv (gradient of a / b)' : 'floorDiv',
    forward: ([a, b]) => new Tensor(a!.data.map((v, i) => Math.floor(v / b!.data[i]!)), a!.shape),
    vjp: ([a, b], g) => [
      new Tensor(a!.data.map((_, i) => (likeTfjs ? g.data[i]! / b!.data[i]! : 0)), a!.shape),
      new Tensor(a!.data.map((v, i) => (likeTfjs ? (-g.data[i]! * v) / b!.data[i]! ** 2 : 0)), a!.shape),
    ],
  };
}

describe('derivatives are held to linearity in their probes, in every mode', () => {
  const sin = (cotangent: (g: number) => number, name: string): Differentiable => ({
    name,
    forward: ([x]) => new Tensor(x!.data.map(Math.sin), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => Math.cos(v) * cotangent(g.data[i]!)), x!.shape)],
  });
  const x = tensor([0.3, -1.2, 2.1]);
  const nonlinear: [string, Differentiable][] = [
    ['|g|', sin(Math.abs, 'sin, |g|')],
    ['clip(g, ±1)', sin((g) => Math.max(-1, Math.min(1, g)), 'sin, clip(g)')],
    ['g²', sin((g) => g * g, 'sin, g²')],
    ['max(g, 0)', sin((g) => Math.max(g, 0), 'sin, max(g, 0)')],
    ['an extra g₀·g₁', { ...sin((g) => g, 'sin, + g₀g₁'), vjp: ([v], g) => [new Tensor(v!.data.map((u, i) => Math.cos(u) * g.data[i]! + (i === 0 ? g.data[0]! * g.data[1]! : 0)), v!.shape)] }],
  ];
  test.each(nonlinear)('a vjp that uses %s fails, full mode included; the linear one passes', (_, target) => {
    for (const mode of modes) {
      const report = checkGradients(target, [x], { mode });
      expect(report.verdict, `${mode}\n${text(report)}`).toBe('fail');
    }
    const full = checkGradients(target, [x], { mode: 'full' });
    expect(full.mismatches.some((c) => c.quantity === 'vjp linearity')).toBe(true);
    expect(full.message).toMatch(/vjp not linear in the cotangent at input 0 at \[\d\]: vjp\(a·v₁ \+ b·v₂\) /);
    for (const mode of modes) expect(checkGradients(sin((g) => g, 'sin'), [x], { mode }).verdict).toBe('pass');
  });

  test('a secant jvp, f(x + u) − f(x), fails in every mode even where it is exact along every axis', () => {
    // x₀·x₁ is linear in each entry: along a basis tangent the secant is the derivative itself
    const product = (secant: boolean): Differentiable => ({
      name: secant ? 'product, secant jvp' : 'product',
      forward: ([x]) => scalar(x!.data[0]! * x!.data[1]!),
      vjp: ([x], g) => [new Tensor(Float64Array.of(x!.data[1]! * g.item(), x!.data[0]! * g.item()), x!.shape)],
      jvp: ([x], [t]) => {
        const [a, b] = [x!.data[0]!, x!.data[1]!];
        const [u, w] = [t!.data[0]!, t!.data[1]!];
        return scalar(secant ? (a + u) * (b + w) - a * b : b * u + a * w);
      },
    });
    for (const mode of modes) {
      expect(checkGradients(product(true), [tensor([0.7, -1.3])], { mode }).verdict).toBe('fail');
      expect(checkGradients(product(false), [tensor([0.7, -1.3])], { mode }).verdict).toBe('pass');
    }
    expect(checkGradients(product(true), [tensor([0.7, -1.3])], { mode: 'full' }).mismatches.map((c) => c.quantity)).toContain('jvp linearity');
  });

  test('a saturated softmax, whose derivatives are tiny and off by ε of the O(1) values around them, passes linearity and duality; |g| still fails', () => {
    // softmax(30·x): at [1, 0.25] p ≈ (1, 1.7e-10), and p ⊙ (v − ⟨v, p⟩) cancels to ε·|v|; at [0.9, −0.2], to 3e-14 of itself
    const saturated = (cotangent: (g: number) => number): Differentiable => {
      const softmax = (x: Float64Array) => {
        const z = Array.from(x, (v) => 30 * v);
        const e = z.map((v) => Math.exp(v - Math.max(...z)));
        return e.map((v) => v / e.reduce((s, w) => s + w, 0));
      };
      const pulled = (p: number[], g: number[]) => p.map((pi, i) => pi * (g[i]! - p.reduce((s, pk, k) => s + pk * g[k]!, 0)));
      return {
        name: 'softmax(30·x)',
        forward: ([x]) => new Tensor(Float64Array.from(softmax(x!.data)), x!.shape),
        vjp: ([x], g) => [new Tensor(Float64Array.from(pulled(softmax(x!.data), Array.from(g.data, cotangent)), (v) => 30 * v), x!.shape)],
        jvp: ([x], [u]) => new Tensor(Float64Array.from(pulled(softmax(x!.data), Array.from(u!.data, (v) => 30 * v))), x!.shape),
      };
    };
    for (const mode of modes) {
      for (const seed of [0, 1, 2]) {
        for (const at of [tensor([1, 0.25]), tensor([0.9, -0.2]), tensor([1, 0.1, 0.3])]) {
          const report = checkGradients(saturated((g) => g), [at], { mode, seed });
          expect(report.verdict, `${mode}, seed ${seed}\n${text(report)}`).toBe('pass');
        }
        expect(checkGradients(saturated(Math.abs), [tensor([1, 0.25])], { mode, seed }).verdict, mode).toBe('fail');
      }
    }
  });
});

describe('an output buffer reused across calls is a broken contract of its own', () => {
  const reusing = (gradient: (x: number) => number): Differentiable => {
    const out = new Tensor(new Float64Array(3), [3]);
    return {
      name: 'reused buffer',
      forward: ([x]) => {
        (out.data as Float64Array).set(x!.data.map(Math.sin));
        return out;
      },
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => gradient(v) * g.data[i]!), x!.shape)],
    };
  };
  const x = tensor([0.3, 1.2, -0.4]);
  test.each(modes)('the right vjp and an all-zero one alike fail with aliased-output, naming what changed (%s mode)', (mode) => {
    for (const gradient of [Math.cos, () => 0]) {
      const report = checkGradients(reusing(gradient), [x], { mode });
      expect(report).toMatchObject({ verdict: 'fail', ok: false, problem: 'aliased-output' });
      expect(report.message).toMatch(/^reused buffer: forward returned the buffer it returned for an earlier call, overwritten since \(flat index 0: /);
    }
    expect(checkGradients(elementwise('sin', Math.sin, Math.cos), [x], { mode }).verdict).toBe('pass');
  });

  // full mode differences such an output entry by entry, on samples it keeps: copied
  test.each(['fast', 'auto'] as const)('one reused only at perturbed points, of an output large enough to be read in place, not copied, is caught too (%s mode)', (mode) => {
    const size = 5000;
    const sin = elementwise('sin', Math.sin, Math.cos);
    let calls = 0;
    const out = new Tensor(new Float64Array(size), [size]);
    // fresh outputs at the input (the checker's first two calls: the second tells it is deterministic), one buffer at every other point
    const reused: Differentiable = { ...sin, forward: (xs) => (calls++ < 2 ? sin.forward(xs) : (out.data.set(sin.forward(xs).data), out)) };
    const at = [new Tensor(Float64Array.from({ length: size }, (_, i) => Math.sin(i)), [size])];
    const report = checkGradients(reused, at, { mode });
    expect(report).toMatchObject({ verdict: 'fail', problem: 'aliased-output' });
    expect(report.message).toMatch(/^sin: forward returned the buffer it returned for an earlier call, overwritten since \(its values then were read at once and not kept/);
    expect(checkGradients(sin, at, { mode }).verdict).toBe('pass');
  });

  test('a vjp that writes every gradient into one buffer is caught too; one that returns the same unchanged tensor is not', () => {
    const gradient = new Tensor(new Float64Array(3), [3]);
    const sin = elementwise('sin', Math.sin, Math.cos);
    const reused: Differentiable = { ...sin, vjp: (xs, g) => { (gradient.data as Float64Array).set(sin.vjp(xs, g)[0]!.data); return [gradient]; } };
    expect(checkGradients(reused, [x])).toMatchObject({ problem: 'aliased-output' });
    // memoised by input: the same values each time, nothing a caller kept changes
    const cached = new Map<string, Tensor>();
    const memo: Differentiable = { ...sin, forward: (xs) => cached.get(String(xs[0]!.data)) ?? cached.set(String(xs[0]!.data), sin.forward(xs)).get(String(xs[0]!.data))! };
    expect(checkGradients(memo, [x]).verdict).toBe('pass');
  });
});

describe('what a target keeps of the inputs it is given', () => {
  // the checker reuses the memory of the inputs it moved (see Spares): under a new buffer each time
  const softsign = (wrongAt = -1): Differentiable => ({
    name: 'softsign',
    forward: ([x]) => new Tensor(x!.data.map((v) => v / (1 + Math.abs(v))), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => (g.data[i]! / (1 + Math.abs(v)) ** 2) * (i === wrongAt ? 1.01 : 1)), x!.shape)],
  });
  const x = randn([2000], 5);

  test.each([
    ['fast', -1],
    ['auto', -1],
    ['auto', 1234],
  ] as const)('an input it keeps never changes under it: it stays as given, or is detached once the checker moves the inputs again (%s mode, wrong at %d)', (mode, wrongAt) => {
    const kept: [Float64Array, Float64Array][] = [];
    let changed = 0;
    const inner = softsign(wrongAt);
    const keeping: Differentiable = {
      ...inner,
      forward: (xs) => {
        changed += kept.filter(([given, copy]) => given.length !== 0 && given.some((v, i) => !Object.is(v, copy[i]))).length;
        kept.push([xs[0]!.data as Float64Array, xs[0]!.data.slice()]);
        return inner.forward(xs);
      },
    };
    const report = checkGradients(keeping, [x], { mode });
    expect(report.verdict).toBe(wrongAt < 0 ? 'pass' : 'fail');
    expect(changed).toBe(0);
    // the memory was handed out again: most of what it kept is detached by the end
    expect(kept.filter(([given]) => given.length === 0).length).toBeGreaterThan(kept.length / 2);
  });

  test.each(['fast', 'auto'] as const)('one that caches its outputs by input buffer is judged on its own values (%s mode)', (mode) => {
    const caching = (wrongAt: number): Differentiable => {
      const inner = softsign(wrongAt);
      const cache = new WeakMap<ArrayBufferLike, Tensor>();
      return { ...inner, forward: (xs) => cache.get(xs[0]!.data.buffer) ?? cache.set(xs[0]!.data.buffer, inner.forward(xs)).get(xs[0]!.data.buffer)! };
    };
    expect(checkGradients(caching(-1), [x], { mode }).verdict).toBe('pass');
    expect(checkGradients(caching(1234), [x], { mode }).verdict).toBe('fail');
  });

  test.each(modes)('one that detaches the inputs it is given (transfers them away, as to a worker) is told it mutated them (%s mode)', (mode) => {
    const inner = softsign();
    const detaching: Differentiable = {
      ...inner,
      forward: (xs) => {
        const y = inner.forward(xs);
        structuredClone(xs[0]!.data.buffer, { transfer: [xs[0]!.data.buffer as ArrayBuffer] });
        return y;
      },
    };
    const report = checkGradients(detaching, [randn([40], 7)], { mode });
    expect(report).toMatchObject({ verdict: 'fail', problem: 'mutation' });
    expect(report.message).toMatch(/^softsign: forward mutated input 0 at flat index 0/);
  });

  test('the caller’s tensors, and a nondifferentiable input passed through, are never detached', () => {
    const ids = tensor([0, 1, 1, 0]);
    const lengths = new Set<number>();
    const target: Differentiable = {
      name: 'scaled by ids',
      nondifferentiable: [1],
      forward: ([v, k]) => (lengths.add(k!.data.length), new Tensor(v!.data.map((a, i) => a * (1 + k!.data[i % 4]!)), v!.shape)),
      vjp: ([v, k], g) => [new Tensor(g.data.map((a, i) => a * (1 + k!.data[i % 4]!)), v!.shape), new Tensor(new Float64Array(4), [4])],
    };
    const v = randn([40], 6);
    for (const mode of modes) expect(checkGradients(target, [v, ids], { mode }).verdict).toBe('pass');
    expect([...lengths]).toEqual([4]);
    expect([v.data.length, ids.data.length]).toEqual([40, 4]);
  });
});

describe('an oscillation faster than the first steps is resolved by smaller ones, or said to be unresolvable', () => {
  const sinOf = (w: number, gradient: (x: number) => number) => elementwise(`sin(${w}·x)`, (x) => Math.sin(w * x), gradient);
  test.each([
    [1e5, 3],
    [1e6, 0.3],
    [1e6, 3],
  ])('sin(%d·x) at %d: the right gradient passes and an all-zero one fails', (w, x) => {
    for (const mode of modes) {
      expect(checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([x])], { mode }).verdict).toBe('pass');
      expect(checkGradients(sinOf(w, () => 0), [tensor([x])], { mode }).verdict).toBe('fail');
    }
  });

  test('sin(10¹²·x), beyond any usable step: neither the right gradient nor a wrong one passes; the check says it cannot tell', () => {
    for (const mode of modes) {
      for (const gradient of [(v: number) => 1e12 * Math.cos(1e12 * v), () => 0, (v: number) => 2e12 * Math.cos(1e12 * v)]) {
        const report = checkGradients(sinOf(1e12, gradient), [tensor([0.3, 1.7])], { mode });
        expect(report.verdict, text(report)).toBe('inconclusive');
        expect(report.ok).toBe(false);
        expect(report.message).toMatch(/cannot tell whether the derivatives are right — inconclusive at input 0 at \[\d\].*The finite differences do not settle as the steps shrink/);
      }
    }
  });

  test.each([
    // settling within a few times its rounding, the entry's steps aliased on time and were taken
    // for a crisp estimate (-178 for -1.3e12): crisp is within the rounding itself
    [1239763664237.4727, 1, 'auto', 28],
    // crisp within the rounding, and failed: runs confirming it that stopped within a few times the
    // rounding agreed by chance; confirming runs go on to the rounding itself, and disagree
    [821442547329.9834, 2, 'full', 1944972677],
    // a probe's failure standing where the entry could not tell: its runs of steps, on one lattice,
    // aliased alike on a crisp 44 for 6.8e12 — a slope beyond any its steps could show
    [34055784254861.867, -1.471779636116694, 'auto', 528678148],
    // the same, on an estimate of 502 ± 509 that its aliasing passed off as rounding
    [24881717578510.516, -0.47018734380490823, 'auto', 1301626136],
    // the noise reading's samples aliased into a smooth curve plus 1e-3 of 'noise', and the
    // statistical second opinion failed it: its own samples scattered by far more than any rounding
    [48487544777573.28, -2.8725108586491883, 'auto', 565119269],
    // the second opinion's first window aliased into a smooth curve (a slope of -10 for -9.4e11),
    // and the next window, whose samples scattered beyond rounding, confirmed it by its z alone
    [1108252738767.4465, 0.7289163234713283, 'fast', 919449957],
    // two of five runs of steps aliased alike into one-sided slopes that differ (4.1e6 and 3.9e3
    // for 1.1e12), read as a kink the right gradient lies outside: a slope beyond any the steps
    // could show is not tested by a kink's sides either
    [1282179945535.6597, 2.5391428747647247, 'full', 647380647],
    // an entry's crisp first run (-1.09 for 6·10¹¹), confirmed by nothing: the two runs that agreed
    // (6.89·10⁴) left it out, and their estimate was believed crisp on its word
    [4666679902055.033, 0.5482326824670589, 'fast', 1026535205],
  ] as const)('an aliasing estimate is not believed: sin(%d·x) at %d (%s mode, seed %d; the stress suite found it) is inconclusive, not a failure of its right gradient', (w, x, mode, seed) => {
    const report = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [scalar(x)], { mode, seed });
    expect(report.verdict, text(report)).toBe('inconclusive');
    // an oscillation is no noise: the message does not say noise hides the derivative
    expect(report.message).not.toMatch(/noise hides it/);
  });

  test('an entry that cannot tell does not hide a failure its probe saw and confirmed: sin(1.8·10⁹·x) at ½, 1% off, fails', () => {
    // the probe's steps resolve the sine, the entry's do not (sin(4.9·10⁸·x), the case here before,
    // is now resolved by the entry's own steps going on below 2^-30: see the next test)
    const w = 1797753802.6812718;
    const right = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [scalar(0.5)], { mode: 'auto', seed: 4285 });
    expect(right.verdict, text(right)).toBe('pass');
    const off = checkGradients(sinOf(w, (v) => 1.01 * w * Math.cos(w * v)), [scalar(0.5)], { mode: 'auto', seed: 4285 });
    expect(off.verdict, text(off)).toBe('fail');
    expect(off.worst).toMatchObject({ input: null, verdict: 'fail' });
    expect(off.mismatches.some((c) => c.input === 0 && c.verdict === 'inconclusive')).toBe(true);
  });

  test.each([
    [492514198.1445798, [0.5], 'auto', 980],
    // sin11's cases that passed 1% off on steps down to 2^-30, where the probe's tolerance was 1-3%
    [223927959.7305608, [1.4946457454898199], 'auto', 616750],
    [250180909.862957, [-1.1591108501988203, -0.786084516214967], 'fast', 61316],
    [138219911.66762733, [1.6173535360381468], 'full', 700130],
    [415853575.3009427, [1.3843502382982122], 'full', 678553],
  ] as const)('a sine the steps barely resolve at 2^-30 is resolved further down: sin(%d·x) at %j (%s mode, seed %d), 1 percent off, fails; its right gradient passes', (w, x, mode, seed) => {
    // its quotients still converge at 2^-30, where its phase turns by a quarter of a radian a step:
    // the steps go on (to 2^-34, still exact) until they settle, not stopping at a tolerance of 1-3%
    const right = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(right.verdict, text(right)).toBe('pass');
    const off = checkGradients(sinOf(w, (v) => 1.01 * w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(off.verdict, text(off)).toBe('fail');
    expect(off.worst!.analytic / off.worst!.numeric).toBeCloseTo(1.01, 4);
  });

  test.each([
    [3869816329.184188, [0.053015304284730114, -0.4189994946009219, -0.6749618727188991, 0.22226552441885028], 'fast', 38],
    [3155013272.088714, [0.4481537724172511, 0.35702258783308327, 1.2215719504562599], 'fast', 194],
    [2577562825.401607, [0.0012972259129266916, -0.9151059787036653, 1.696263649474969, -1.7365099930486356], 'fast', 2751],
    [2650737917.472836, [0.34092701362739053, -0.5541003519648751, -0.9166750838144999, 1.8914728476567317], 'auto', 613],
    [10140073353.395737, [0.05108081085061089, -0.25204813452165853, -0.6489998014754339, 0.12236038755753897], 'auto', 161],
    // its error 15 times the rounding it read, its tolerance 1.01% of the slope
    [3171587009.8529596, [-0.9504526208881083, -0.3337375396291491, -0.3073945374627205], 'auto', 50],
  ] as const)('a probe the smallest steps barely resolve agrees only within a few percent, which vouches for nothing: sin(%d·x) at %j (%s mode, seed %d), 1 percent off, fails at an entry; its right gradient is not failed', (w, x, mode, seed) => {
    // its tolerance was 1–20% of the slope (an extrapolation error of 0.06–1%), and the 1% passed
    const off = checkGradients(sinOf(w, (v) => 1.01 * w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(off.verdict, text(off)).toBe('fail');
    expect(off.worst!.input).toBe(0);
    expect(off.worst!.analytic / off.worst!.numeric).toBeCloseTo(1.01, 3);
    const right = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(right.verdict, text(right)).not.toBe('fail');
  });

  test.each([
    // four runs aliased alike into smooth lines of slope −34 and never agreed; a fifth read 1.6·10⁶,
    // beyond any slope the four could show
    [3721575.893183457, [-0.5356206339202827], 'full', 1255, 'inconclusive'],
    // the central quotients aliased to 0.0019 where the one-sided slopes read 3.31·10⁵, the right one
    [1586075106.8593416, [1.79437408365109, 0.8494642090535445, 1.9069444141514653, 0.7575751154415293], 'full', 1024, 'fail'],
  ] as const)('finite differences that contradict themselves fail nothing: sin(%d·x) at %j (%s mode, seed %d), its right gradient is not failed; 1 percent off, %s', (w, x, mode, seed, off) => {
    const right = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(right.verdict, text(right)).not.toBe('fail');
    expect(checkGradients(sinOf(w, (v) => 1.01 * w * Math.cos(w * v)), [tensor([...x])], { mode, seed }).verdict).toBe(off);
  });

  test('an entry that agrees too loosely to vouch for its slope still does not reproduce a probe’s disagreement: softplus(w·(x − c))/w 5.4e-11 beyond its bend at w = 5·10⁹ is not failed', () => {
    // the probe's steps read its slope 12% low, sharply; the entry's read it 11% low within 13%
    const w = 4955206165.801715;
    const c = 0.8921935152032943;
    const softplus = elementwise('softplus', (v) => Math.log1p(Math.exp(w * (v - c))) / w, (v) => 1 / (1 + Math.exp(-w * (v - c))));
    const report = checkGradients(softplus, [tensor([0.8921935152575005])], { mode: 'auto', seed: 116 });
    expect(report.verdict, text(report)).toBe('inconclusive');
    expect(report.message).toMatch(/The finite differences agree, but only to within 1\.5e-1 of the derivative \(their own error, 16 times over\)/);
  });

  test('quotients that hold on across the input as a jump’s do are followed down the exact steps: sin(1.58·10⁹·x) at 1.77 passes, 1% off fails', () => {
    // on steps down to 2^-30 of the entry alone, both were inconclusive
    const w = 1577692890.3182578;
    const x = tensor([1.7668596568260821]);
    const right = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [x], { mode: 'auto', seed: 1742 });
    expect(right.verdict, text(right)).toBe('pass');
    const off = checkGradients(sinOf(w, (v) => 1.01 * w * Math.cos(w * v)), [x], { mode: 'auto', seed: 1742 });
    expect(off.verdict, text(off)).toBe('fail');
  });

  test('a bend as narrow as the steps, whose central quotients settle on its one-sided slopes’ mean, is not failed: softplus(w·(x − c))/w at w = 1.06·10⁹, 0.04/w past its bend', () => {
    // read 1.9% low within 0.13%, on steps of hundreds of bend widths; its one-sided slopes 0.13 and 0.80 apart beyond their errors
    const w = 1057624785.1292242;
    const c = 1.915083223656063;
    const softplus = (k: number) => elementwise('softplus', (v) => Math.log1p(Math.exp(w * (v - c))) / w, (v) => k / (1 + Math.exp(-w * (v - c))));
    const x = tensor([1.915083223693549, 1.4452609877907232]);
    const report = checkGradients(softplus(1), [x], { mode: 'fast', seed: 242 });
    expect(report.verdict, text(report)).toBe('inconclusive');
    expect(report.message).toMatch(/the input may sit on a kink, or a bend as narrow as the steps/);
    expect(checkGradients(softplus(1.01), [x], { mode: 'fast', seed: 242 }).verdict).not.toBe('pass');
  });

  test('an entry whose first run aliased is resolved by further runs at fractions prime to its direction: sin(4.77·10⁶·x) at ½, 1% off, fails at the entry', () => {
    // four-bit fractions of the first step aliased alongside it, and the entry could not tell
    const w = 4767602.07367496;
    const off = checkGradients(sinOf(w, (v) => 1.01 * w * Math.cos(w * v)), [scalar(0.5)], { mode: 'auto', seed: 19 });
    expect(off.verdict, text(off)).toBe('fail');
    expect(off.worst).toMatchObject({ input: 0, verdict: 'fail' });
    // the finite differences measure the sine's own slope: the analytic value is 1% beyond it
    expect(off.worst!.analytic / off.worst!.numeric).toBeCloseTo(1.01, 6);
  });

  test.each([
    [3420922472665.769, [1.2829795031116733, 0.38419164494625013, -0.7503448188511741, 0.46272900113917714], 'fast', 1926695632],
    [672029569918.225, [0.10838840169206154, 0.13066292102614385], 'auto', 626607609],
    // two runs that stopped at 2^-30 agreed on 5.4·10⁴ for 6.2·10⁹, beyond what their steps could show,
    // judged against the reach of another run's steps (one whose quotients happened to converge, and
    // went further down): the slope the steps could show is the agreeing pair's
    [876530754059.958, [0.1226896550778922], 'fast', 1602671214],
    [1599836117971.2732, [0.22963344254440043, 0.36434944256723156, -0.9378710769251493, 0.5289447908547045], 'fast', 1780587967],
    [717199400884.9987, [1.772364967953397, 0.031967393991119586, 1.1253185371132868], 'fast', 1995977715],
    // a first run aliased into a line over its four steps (-7.03, its secant 6.99) and no further run
    // agreed with it, or with another, within 56: beyond the steps, and no smooth φ's secant either
    [3825638596332.8716, [-1.4052182956921881, 0.6656813187903792], 'full', 1157935278],
  ] as const)('further runs of an entry do not alias alongside its first: sin(%d·x) at %j (%s mode, seed %d) is inconclusive, not a failure of its right gradient', (w, x, mode, seed) => {
    // every further run started at four-bit fractions of the first step, and aliased alike on a
    // slope of 21 for 1.2e12 (5.1 for -1.3e10): 16 of 1,800 checks of sin(w·x), w = 10¹¹ … 10¹³, failed so
    const report = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(report.verdict, text(report)).toBe('inconclusive');
  });

  test.each([
    [177301434841.90707, [-1.2543510760451135, -1.819231106330525, 0.97472658850781, 1.8614161486066725], 'auto', 2085579193],
    [298078344683.9323, [-0.05976734290827368, -0.45850651511926666, -0.6816746808972027, -0.4321530048555382], 'auto', 695998480],
    [183166666609.52783, [0.12462860917874163], 'fast', 151896516],
  ] as const)('central quotients that cancel where the slope is small are no evidence: sin(%d·x) at %j (%s mode, seed %d) is inconclusive', (w, x, mode, seed) => {
    // an entry's (or a probe's) cosine of 6e-4 … 0.1: its central quotients settled on 0.015 for
    // 7.2e7, its one-sided ones on ± 1.1e8 — they cannot tell the slope's sign
    const report = checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([...x])], { mode, seed });
    expect(report.verdict, text(report)).toBe('inconclusive');
  });

  test('a Fourier feature sin(2¹²·π·x) does not alias on steps of powers of two', () => {
    const w = 4096 * Math.PI;
    for (const mode of modes) {
      expect(checkGradients(sinOf(w, (v) => w * Math.cos(w * v)), [tensor([0.3, 1.7, -0.6])], { mode }).verdict).toBe('pass');
      expect(checkGradients(sinOf(w, () => 0), [tensor([0.3, 1.7, -0.6])], { mode }).verdict).toBe('fail');
    }
  });
});

describe('nondeterminism is looked for across the whole check', () => {
  /** sin, with noise of 1e-3 from its third call on. */
  const lateNoise = (scale: number): Differentiable => {
    let calls = 0;
    let noise = 0.123;
    return {
      name: 'late noise',
      forward: ([x]) => {
        calls++;
        return new Tensor(x!.data.map((v) => Math.sin(v) + (calls > 2 ? 1e-3 * ((noise = (noise * 9301 + 49297) % 233280) / 233280 - 0.5) : 0)), x!.shape);
      },
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => scale * Math.cos(v) * g.data[i]!), x!.shape)],
    };
  };
  test.each([1.3, 0, 2, 1])('a vjp scaled by %d: nondeterminism, found by a last call at the input', (scale) => {
    for (const mode of modes) {
      const report = checkGradients(lateNoise(scale), [tensor([0.3, 1.2])], { mode });
      expect(report).toMatchObject({ verdict: 'fail', problem: 'nondeterminism' });
      expect(report.message).toMatch(/^late noise: forward is not deterministic — the same input gave .* \(the first call, then call \d+\)$/);
    }
    expect(checkGradients(elementwise('sin', Math.sin, Math.cos), [tensor([0.3, 1.2])]).verdict).toBe('pass');
  });
});

describe('the tolerance follows the scale of the target’s own values', () => {
  test('x·1e-300 with a gradient twice too large fails; the right one passes', () => {
    for (const mode of modes) {
      expect(checkGradients(elementwise('tiny', (x) => x * 1e-300, () => 2e-300), [tensor([0.5, 1.5])], { mode }).verdict).toBe('fail');
      expect(checkGradients(elementwise('tiny', (x) => x * 1e-300, () => 1e-300), [tensor([0.5, 1.5])], { mode }).verdict).toBe('pass');
    }
  });

  test('a tiny entry of a gradient computed from O(1) intermediates (1 − p, p ≈ 1) is judged to their rounding, not its own', () => {
    // logSoftmax(x·w) over two entries, x = randn([2, 1], 1), w = randn([1, 1], 2): the reduced case
    // of the engine graphs GRADPROP_SEED 5 and 9 failed in full mode. Output 0's derivatives are
    // ~1e-6, computed as w·(1 − p₀) — off by ε·|w|, not ε of themselves
    const target = logSoftmaxOfProduct(0);
    const inputs = [randn([2, 1], 1), randn([1, 1], 2)];
    expect(Math.abs(target.vjp(inputs, tensor([1, 0], [2, 1]))[0]!.data[0]!)).toBeLessThan(1e-5);
    for (const mode of modes) expect(checkGradients(target, inputs, { mode, seed: 1 }).verdict, mode).toBe('pass');
    // and an error of 1e-10 in that tiny entry (1e-4 of it), far above ε of the intermediates, still fails
    expect(checkGradients(logSoftmaxOfProduct(1e-10), inputs, { mode: 'full' }).verdict).toBe('fail');
  });
});

/** logSoftmax(x·w) along axis 0 for x [2, 1], w [1, 1], with its vjp (plus `slip` in dx₀). */
function logSoftmaxOfProduct(slip: number): Differentiable {
  const softmax = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e[0]! + e[1]!;
    return e.map((v) => v / s);
  };
  return {
    name: 'logSoftmax(x·w)',
    forward: ([x, w]) => {
      const z = [x!.data[0]! * w!.data[0]!, x!.data[1]! * w!.data[0]!];
      const m = Math.max(...z);
      const lse = m + Math.log(Math.exp(z[0]! - m) + Math.exp(z[1]! - m));
      return new Tensor(Float64Array.from(z, (v) => v - lse), [2, 1]);
    },
    vjp: ([x, w], g) => {
      const z = [x!.data[0]! * w!.data[0]!, x!.data[1]! * w!.data[0]!];
      const p = softmax(z);
      const total = g.data[0]! + g.data[1]!;
      const gz = [g.data[0]! - p[0]! * total, g.data[1]! - p[1]! * total];
      return [
        new Tensor(Float64Array.of(gz[0]! * w!.data[0]! + slip, gz[1]! * w!.data[0]!), [2, 1]),
        new Tensor(Float64Array.of(gz[0]! * x!.data[0]! + gz[1]! * x!.data[1]!), [1, 1]),
      ];
    },
  };
}

describe('near overflow the check works, and no tolerance is ever NaN', () => {
  const cases: [string, Differentiable, Differentiable, Tensor][] = [
    ['x² at 1e154', elementwise('square', (x) => x * x, (x) => 2 * x), elementwise('square', (x) => x * x, (x) => 2.002 * x), tensor([1e154, -1.3e154])],
    ['exp at 709', elementwise('exp', Math.exp, Math.exp), elementwise('exp', Math.exp, (x) => 1.002 * Math.exp(x)), tensor([709, 708.5])],
  ];
  test.each(cases)('%s: the right gradient passes, one 0.2 percent off fails', (_, right, wrong, x) => {
    for (const mode of modes) {
      const good = checkGradients(right, [x], { mode });
      expect(good.verdict, text(good)).toBe('pass');
      expect(JSON.stringify(good)).not.toMatch(/NaN/);
      for (const c of [good.worst!, ...good.mismatches]) expect(Number.isFinite(c.tolerance), text(good)).toBe(true);
      expect(checkGradients(wrong, [x], { mode }).verdict).toBe('fail');
    }
  });
});

describe('whatever it is given, checkGradients answers with a verdict and a message, never an exception', () => {
  const q = elementwise('q', (x) => x * x, (x) => 2 * x);
  const x = tensor([1, 2]);
  const answers = (run: () => GradCheckReport) => {
    let report: GradCheckReport | undefined;
    expect(() => (report = run())).not.toThrow();
    expect(report!.message).not.toMatch(/please report this as a gradprop bug/);
    return report!;
  };
  test.each([
    ['a null target', () => checkGradients(null as unknown as Differentiable, [x]), 'bad-target', /^\(not a target\): expected a Differentiable \(\{ name, forward, vjp \}\), got null$/],
    ['a target without a vjp', () => checkGradients({ name: 'half', forward: q.forward } as Differentiable, [x]), 'bad-target', /^half: vjp must be a function, got undefined$/],
    ['a jvp that is not a function', () => checkGradients({ ...q, jvp: 1 } as unknown as Differentiable, [x]), 'bad-target', /^q: jvp must be a function when given, got number 1$/],
    ['nondifferentiable not a list', () => checkGradients({ ...q, nondifferentiable: 0 } as unknown as Differentiable, [x]), 'bad-target', /^q: nondifferentiable must list input positions, whole numbers from 0 to 0, got number 0$/],
    ['nondifferentiable [0.5]', () => checkGradients({ ...q, nondifferentiable: [0.5] }, [x]), 'bad-target', /nondifferentiable lists number 0\.5, but a position is a whole number/],
    ['nondifferentiable [5] for one input', () => checkGradients({ ...q, nondifferentiable: [5] }, [x]), 'bad-target', /^q: nondifferentiable lists input 5, but 1 input was given: it must list input positions, whole numbers from 0 to 0$/],
    ['a forward returning a throwing Proxy', () => checkGradients({ ...q, forward: () => new Proxy({}, { get() { throw new Error('proxy'); } }) as Tensor }, [x]), 'not-a-tensor', /^q: forward must return a Tensor, got a value that throws when read \(Error: proxy\)$/],
    ['a thrown object whose toString throws', () => checkGradients({ ...q, forward: () => { throw { toString() { throw new Error('no'); } }; } }, [x]), 'throws', /^q: forward threw a value that cannot be written out \(reading it throws\)$/],
    ['inputs whose reading throws', () => checkGradients(q, new Proxy([x], { get() { throw new Error('no reading'); } })), 'bad-input', /^q: inputs must be an array of Tensors; reading them threw Error: no reading$/],
  ] as [string, () => GradCheckReport, string, RegExp][])('%s', (_, run, problem, message) => {
    const report = answers(run);
    expect(report).toMatchObject({ verdict: 'error', ok: false, problem });
    expect(report.message).toMatch(message);
  });

  test('a name that cannot be read, and options that are null, do not stop the check', () => {
    const unnamed = { ...q, get name(): string { throw new Error('no name'); } } as Differentiable;
    expect(answers(() => checkGradients(unnamed, [x]))).toMatchObject({ verdict: 'pass', target: '(target whose name cannot be read)' });
    expect(answers(() => checkGradients(q, [x], null as never)).verdict).toBe('pass');
  });

  test.each([
    ["mode: 'bogus'", { mode: 'bogus' }, /^q: option mode must be one of 'auto', 'fast', 'full', got string bogus$/],
    ["precision: 'float16'", { precision: 'float16' }, /^q: option precision must be one of 'auto', 'float64', 'float32', got string float16$/],
    ['probes: 0', { probes: 0 }, /option probes must be a whole number of probes, at least 1, got number 0$/],
    ['probes: -1', { probes: -1 }, /option probes must be a whole number of probes, at least 1, got number -1$/],
    ['probes: NaN', { probes: NaN }, /option probes must be a whole number of probes, at least 1, got number NaN$/],
    ['seed: NaN', { seed: NaN }, /option seed must be an integer \(a safe one: \|seed\| < 2\^53\), got number NaN$/],
    ['seed: 1.5', { seed: 1.5 }, /option seed must be an integer .*, got number 1\.5$/],
    ['seed: 1e300', { seed: 1e300 }, /option seed must be an integer .*, got number 1e\+300$/],
    ['rtol: -1', { rtol: -1 }, /option rtol must be a finite number ≥ 0, got number -1$/],
    ['atol: Infinity', { atol: Infinity }, /option atol must be a finite number ≥ 0, got number Infinity$/],
    ['entrywiseLimit: 2.5', { entrywiseLimit: 2.5 }, /option entrywiseLimit must be a whole number ≥ 0, got number 2\.5$/],
    ['maxMismatches: -3', { maxMismatches: -3 }, /option maxMismatches must be a whole number ≥ 0, got number -3$/],
    ["the string 'fast'", 'fast', /^q: options must be an object, got string fast$/],
    ['a Proxy that throws', new Proxy({}, { get() { throw new Error('trap'); } }), /^q: reading option mode threw Error: trap$/],
  ] as [string, unknown, RegExp][])('options %s are refused with one clear message', (_, options, message) => {
    const report = answers(() => checkGradients(q, [x], options as never));
    expect(report).toMatchObject({ verdict: 'error', problem: 'bad-options', mode: 'auto', seed: 0 });
    expect(report.message).toMatch(message);
  });
});

describe('messages', () => {
  const q = elementwise('q', (x) => x * x, (x) => 2 * x);
  test('a mutation from 0 to −0 is written as such', () => {
    const report = checkGradients({ ...q, forward: (xs) => { (xs[0]!.data as Float64Array)[0] = -0; return q.forward(xs); } }, [tensor([0, 2])]);
    expect(report.message).toBe('q: forward mutated input 0 at flat index 0 (0 → -0)');
  });

  test('a gradient backed by a Float32Array is told what a Tensor holds', () => {
    const report = checkGradients({ ...q, vjp: ([x]) => [{ data: new Float32Array(x!.size), shape: x!.shape } as unknown as Tensor] }, [tensor([1, 2])]);
    expect(report.message).toBe(
      'q: vjp gradient for input 0 must be a Tensor, got a tensor-like object of shape [2] whose data is a Float32Array of length 2 — a Tensor holds a Float64Array of exactly its shape’s size: new Tensor(Float64Array.from(data), shape)'.replace('’', "'"),
    );
  });

  test('inputs with entries all declared nondifferentiable are named as such', () => {
    expect(checkGradients({ ...q, nondifferentiable: [1] }, [tensor([], [0]), tensor([1, 2])]).message).toBe(
      'q: nothing to differentiate — every input with entries is declared nondifferentiable (1)',
    );
  });

  test('one rule: a derivative that returns no tensor is an error like a forward that returns none; a wrong one is a failure', () => {
    const bare = checkGradients({ ...q, vjp: ([x], g) => q.vjp([x!], g)[0] as unknown as Tensor[] }, [tensor([1, 2])]);
    expect(bare).toMatchObject({ verdict: 'error', problem: 'not-a-tensor', ok: false });
    expect(bare.message).toBe('q: vjp must return a list of gradients, one per input (1), got a tensor of shape [2] (return [dx], not dx)');
    expect(checkGradients({ ...q, forward: () => 3 as unknown as Tensor }, [tensor([1, 2])])).toMatchObject({ verdict: 'error', problem: 'not-a-tensor' });
    expect(checkGradients({ ...q, vjp: () => [tensor([1, 2, 3])] }, [tensor([1, 2])])).toMatchObject({ verdict: 'fail', problem: 'gradient-shape' });
  });

  test('a vjp that throws is an error that says it is a bug of the target, and not ok', () => {
    const report = checkGradients({ ...q, vjp: () => { throw new RangeError('broadcast axes'); } }, [tensor([1, 2])]);
    expect(report).toMatchObject({ verdict: 'error', problem: 'throws', ok: false });
    expect(report.message).toBe('q: vjp threw RangeError: broadcast axes — a vjp that throws is a bug of the target: the check counts as failed (ok = false)');
  });

  test('a pass whose comparisons could not tell the derivatives from 0 says how little it vouches for; an ordinary pass says nothing of it', () => {
    // softmax cross-entropy with label 0 and a confident logit: lse − z₀ rounds to the last place of 30
    const crossEntropy: Differentiable = {
      name: 'cross-entropy',
      forward: ([z]) => { const m = Math.max(...z!.data); return scalar(m + Math.log(z!.data.reduce((s, v) => s + Math.exp(v - m), 0)) - z!.data[0]!); },
      vjp: ([z], g) => { const m = Math.max(...z!.data); const s = z!.data.reduce((t, v) => t + Math.exp(v - m), 0); return [new Tensor(z!.data.map((v, i) => (Math.exp(v - m) / s - (i === 0 ? 1 : 0)) * g.item()), z!.shape)]; },
    };
    const vague = checkGradients(crossEntropy, [tensor([30, 0])]);
    expect(vague.verdict).toBe('pass');
    expect(vague.message).toMatch(/; \d+ of them could not tell the derivatives they compared from 0 \(the finite differences resolve nothing below \d\.\de-\d+ there\): for those, the pass says only that the derivatives are that small$/);
    expect(checkGradients(crossEntropy, [tensor([1.5, 0])]).message).not.toMatch(/could not tell/);
    // and a confident logit no longer fails a right gradient, where its rounding hides in a staircase
    for (const z of [[25, 0], [35, 0], [30, 0.5]]) for (const seed of [0, 1, 2]) expect(checkGradients(crossEntropy, [tensor(z)], { seed }).verdict).toBe('pass');
  });
});

test('a large input with one entry on a jump still costs O(log n) directional derivatives in auto mode', () => {
  // Σ tanh(x_i) + [x_0 > 0] at x_0 = 0 over 4096 entries, one gradient entry 1% off at 1234
  const n = 4096;
  const target: Differentiable = {
    name: 'tanh sum with a step',
    forward: ([x]) => scalar(x!.data.reduce((s, v) => s + Math.tanh(v), 0) + (x!.data[0]! > 0 ? 1 : 0)),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.item() * (1 - Math.tanh(v) ** 2) * (i === 1234 ? 1.01 : 1)), x!.shape)],
  };
  const x = randn([n], 3, 0.7);
  x.data[0] = 0;
  const report = checkGradients(target, [x]);
  expect(report.verdict).toBe('fail');
  expect(report.worst).toMatchObject({ input: 0, index: [1234] });
  expect(report.mismatches.some((c) => c.input === 0 && c.index[0] === 0 && c.jump !== undefined)).toBe(true);
  expect(report.evaluations.forward).toBeLessThan(3000);
});
