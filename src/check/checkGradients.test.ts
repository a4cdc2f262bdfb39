import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { neuron, neuronInputs } from '../../fixtures/neuron.js';
import { Tensor, randn, scalar, tensor } from '../tensor/index.js';
import { checkGradients, formatReport } from './index.js';
import { arithmeticOf, arithmeticOfParts } from './options.js';
import type { Differentiable, Mode } from './index.js';

const modes: Mode[] = ['auto', 'fast', 'full'];

/** Reals spread evenly over [min, max] (fc.double is uniform over representations, not values). */
const real = (min: number, max: number) => fc.integer({ min: 0, max: 2 ** 30 }).map((i) => min + ((max - min) * i) / 2 ** 30);
const neuronCase = fc
  .integer({ min: 1, max: 5 })
  .chain((batch) => fc.tuple(real(-2, 2), real(-2, 2), fc.array(real(-2, 2), { minLength: batch, maxLength: batch }), fc.array(real(-1, 1), { minLength: batch, maxLength: batch })))
  .map(([w1, w2, x, y]) => neuronInputs(w1, w2, x, y));

const scale = (k: number, by: number) => (g: Tensor[]) => g.map((t, i) => (i === k ? new Tensor(t.data.map((v) => v * by), t.shape) : t));
const bumpEntry = (k: number, at: number, by: number) => (g: Tensor[]) =>
  g.map((t, i) => (i === k ? new Tensor(t.data.map((v, j) => (j === at ? v * (1 + by) : v)), t.shape) : t));

function elementwise(name: string, f: (x: number) => number, df: (x: number) => number, dfTangent = df): Differentiable {
  return {
    name,
    forward: ([x]) => new Tensor(x!.data.map(f), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v) * g.data[i]!), x!.shape)],
    jvp: ([x], [t]) => new Tensor(x!.data.map((v, i) => dfTangent(v) * t!.data[i]!), x!.shape),
  };
}
const relu = elementwise('relu', (x) => Math.max(x, 0), (x) => (x > 0 ? 1 : 0));
const tanh = elementwise('tanh', Math.tanh, (x) => 1 - Math.tanh(x) ** 2);

describe('the seed neuron, o = tanh(w2 tanh(w1 x)), L = ½(y − o)²', () => {
  test.each(modes)('its hand-derived gradients pass at generated inputs (%s mode)', (mode) => {
    fc.assert(
      fc.property(neuronCase, fc.nat(), (inputs, seed) => {
        const report = checkGradients(neuron(), inputs, { mode, seed });
        expect(report.verdict, formatReport(report)).toBe('pass');
      }),
      { numRuns: 60 },
    );
  });

  const twins: [string, (g: Tensor[]) => Tensor[], number[]][] = [
    ['dL/dw2 twice too large', scale(1, 2), [1]],
    ['dL/dw1 with the wrong sign', scale(0, -1), [0]],
    ['dL/dw1 and dL/dw2 swapped', (g) => [g[1]!, g[0]!, g[2]!, g[3]!], [0, 1]],
    ['dL/dx wrong in entry 2 only', bumpEntry(2, 2, 0.5), [2]],
  ];
  test.each(twins)('a twin with %s fails and names the input', (_, tweak, wrong) => {
    for (const mode of modes) {
      const inputs = neuronInputs(0.7, -1.3, [0.5, -1.1, 0.9, 1.7], [0.2, -0.4, 0.1, 0.6]);
      const report = checkGradients(neuron({ tweak }), inputs, { mode });
      expect(report.verdict, formatReport(report)).toBe('fail');
      if (mode !== 'fast') expect(wrong, formatReport(report)).toContain(report.worst?.input);
    }
  });

  test('a single wrong entry is localised to its exact multi-index in auto mode', () => {
    const inputs = neuronInputs(0.7, -1.3, [0.5, -1.1, 0.9, 1.7], [0.2, -0.4, 0.1, 0.6]);
    const report = checkGradients(neuron({ tweak: bumpEntry(2, 2, 0.01) }), inputs);
    expect(report.mismatches.filter((c) => c.input !== null).map((c) => [c.input, c.index])).toEqual([[2, [2]]]);
    expect(formatReport(report)).toMatch(/input 2 at \[2\]/);
  });
});

describe('contract violations get a clear verdict, never an escaping exception', () => {
  const fresh = () => neuronInputs(0.7, -1.3, [0.5, -1.1], [0.2, -0.4]);
  const inputs = fresh();
  const base = neuron();
  const cases: [string, Differentiable, string, RegExp][] = [
    ['a gradient of the wrong shape', neuron({ tweak: (g) => [tensor([g[0]!.item()]), g[1]!, g[2]!, g[3]!] }), 'gradient-shape', /gradient for input 0 has shape \[1\], expected \[\]/],
    ['the wrong number of gradients', neuron({ tweak: (g) => g.slice(0, 3) }), 'gradient-count', /one gradient per input \(4\), got 3/],
    ['a NaN gradient', neuron({ tweak: scale(1, NaN) }), 'non-finite-gradient', /input 1 is not finite: NaN/],
    ['a NaN output', { ...base, forward: () => scalar(NaN) }, 'non-finite-output', /forward is not finite at the input/],
    ['a forward that throws', { ...base, forward: () => { throw new RangeError('boom'); } }, 'throws', /forward threw RangeError: boom/],
    ['a vjp that throws', { ...base, vjp: () => { throw new Error('no backward'); } }, 'throws', /vjp threw Error: no backward/],
    ['a forward that returns a number', { ...base, forward: () => 3 as unknown as Tensor }, 'not-a-tensor', /forward must return a Tensor, got number 3/],
    ['a forward that mutates its input', { ...base, forward: (xs) => { (xs[2]!.data as Float64Array)[1] = 0; return base.forward(xs); } }, 'mutation', /forward mutated input 2 at flat index 1/],
    ['a vjp that mutates the cotangent', { ...base, vjp: (xs, g) => { (g.data as Float64Array)[0] = 0; return base.vjp(xs, g); } }, 'mutation', /vjp mutated the cotangent/],
  ];
  let calls = 0;
  cases.push(['a nondeterministic forward', { ...base, forward: (xs) => scalar(base.forward(xs).item() + 1e-12 * calls++) }, 'nondeterminism', /not deterministic/]);

  test.each(cases)('%s', (_, target, problem, message) => {
    for (const mode of modes) {
      const report = checkGradients(target, fresh(), { mode });
      expect(report.ok).toBe(false);
      expect(report.problem).toBe(problem);
      expect(report.message).toMatch(message);
      expect(report.message).toMatch(/^neuron: /);
    }
  });

  test('bad inputs are named', () => {
    expect(checkGradients(base, [scalar(1), 'x' as unknown as Tensor]).message).toMatch(/input 1 is string x$/);
    expect(checkGradients(base, [scalar(1), [1, 2] as unknown as Tensor]).message).toMatch(/input 1 is an array of length 2 \(make it one with tensor\(\.\.\.\)\)/);
    expect(checkGradients(base, [scalar(1), scalar(NaN), scalar(0), scalar(0)]).message).toMatch(/input 1 \[\] is not finite/);
    expect(checkGradients({ ...base, nondifferentiable: [0, 1, 2, 3] }, inputs).problem).toBe('bad-input');
    expect(checkGradients({ ...base, forward: () => tensor([], [0]) }, inputs).message).toMatch(/the output \[0\] has no entries/);
  });

  test('integer ids not declared nondifferentiable get a hint, and declaring them fixes it', () => {
    const gather: Differentiable = {
      name: 'gather',
      forward: ([table, ids]) => {
        const id = ids!.item();
        if (!Number.isInteger(id)) throw new RangeError(`id ${id} is not an integer`);
        return new Tensor(Float64Array.of(table!.data[id]!), []);
      },
      vjp: ([table, ids], g) => [new Tensor(table!.data.map((_, i) => (i === ids!.item() ? g.item() : 0)), table!.shape), scalar(0)],
    };
    const args = [tensor([0.5, -1, 2]), scalar(1)];
    const report = checkGradients(gather, args);
    expect(report.verdict).toBe('error');
    expect(report.message).toMatch(/forward threw RangeError: id [\d.]+ is not an integer\. Input 1 holds only whole numbers: if they are integer ids or class targets, list them in `nondifferentiable` \(nondifferentiable: \[1\]\)\./);
    expect(checkGradients({ ...gather, nondifferentiable: [1] }, args).verdict).toBe('pass');
  });

  test('its correct twin breaks none of these contracts', () => {
    for (const mode of modes) expect(checkGradients(base, inputs, { mode }).verdict).toBe('pass');
  });
});

describe('kinks are not bugs', () => {
  const atZero = tensor([0.8, 0, -0.5, 0, 0, 1.2]);
  test.each(modes)('relu with relu′(0) = 0 at exact zeros is nonsmooth, not fail (%s mode)', (mode) => {
    const report = checkGradients(relu, [atZero], { mode });
    expect(report.verdict, formatReport(report)).toBe('nonsmooth');
    expect(report.ok).toBe(true);
  });

  test('abs at 0 with sign(0) = 0 is nonsmooth', () => {
    const abs = elementwise('abs', Math.abs, Math.sign);
    expect(checkGradients(abs, [tensor([0, 1.5])], { mode: 'full' }).verdict).toBe('nonsmooth');
  });

  test.each(modes)('a derivative outside the one-sided ones at a kink fails (%s mode)', (mode) => {
    const wrongAtZero = elementwise('relu′(0)=2', (x) => Math.max(x, 0), (x) => (x > 0 ? 1 : x === 0 ? 2 : 0));
    const report = checkGradients(wrongAtZero, [atZero], { mode });
    expect(report.verdict, formatReport(report)).toBe('fail');
  });

  test('a kink inside the target, crossed by a probe but by no entry alone, is not a bug — and a 1% error there still is', () => {
    // relu(Σ w): the sum is 0.02, and the probe moves it by ~Σ|u|·2^-7 while an entry alone moves it by 2^-7
    const reluOfSum = (slope: number): Differentiable => ({
      name: 'relu of a sum',
      forward: ([w]) => scalar(Math.max(0, w!.data.reduce((a, b) => a + b, 0))),
      vjp: ([w], g) => [new Tensor(w!.data.map(() => (w!.data.reduce((a, b) => a + b, 0) > 0 ? slope * g.item() : 0)), w!.shape)],
    });
    const w = tensor(Array.from({ length: 16 }, (_, i) => (i % 2 ? -1 : 1) + (i === 15 ? 0.02 : 0)));
    for (let seed = 0; seed < 10; seed++) {
      expect(checkGradients(reluOfSum(1), [w], { seed }).ok).toBe(true);
      expect(checkGradients(reluOfSum(1.01), [w], { seed }).verdict).toBe('fail');
    }
  });

  test('a change of curvature a step away, crossed by a probe but by no entry, is not taken for a bug', () => {
    // Huber of a sum that sits 0.003 inside the quadratic zone: smooth once, not twice
    const huber = (r: number) => (Math.abs(r) <= 1 ? r * r / 2 : Math.abs(r) - 0.5);
    const slope = (r: number) => Math.max(-1, Math.min(1, r));
    const huberOfSum = (by: number): Differentiable => ({
      name: 'huber of a sum',
      forward: ([w]) => scalar(huber(w!.data.reduce((a, b) => a + b, 0))),
      vjp: ([w], g) => [new Tensor(w!.data.map(() => by * slope(w!.data.reduce((a, b) => a + b, 0)) * g.item()), w!.shape)],
    });
    const w = tensor(Array.from({ length: 16 }, (_, i) => (i % 2 ? -1 : 1) + (i === 15 ? 0.997 : 0)));
    for (let seed = 0; seed < 20; seed++) {
      for (const mode of ['auto', 'fast'] as const) {
        const report = checkGradients(huberOfSum(1), [w], { seed, mode });
        expect(report.verdict, formatReport(report)).toBe('pass');
        expect(checkGradients(huberOfSum(1.001), [w], { seed, mode }).verdict).toBe('fail');
      }
    }
  });

  test('relu away from its kink passes', () => {
    expect(checkGradients(relu, [tensor([0.8, 1e-9, -0.5, -1e-9])], { mode: 'full' }).verdict).toBe('pass');
  });
});

describe('jvp', () => {
  test('a correct jvp passes, and is compared', () => {
    const report = checkGradients(tanh, [tensor([0.3, -1.2, 2])]);
    expect(report.verdict).toBe('pass');
    expect(report.evaluations.jvp).toBeGreaterThan(0);
  });

  test.each(modes)('a wrong jvp fails even when the vjp is right (%s mode)', (mode) => {
    const wrongJvp = elementwise('tanh', Math.tanh, (x) => 1 - Math.tanh(x) ** 2, (x) => 1 - Math.tanh(x));
    const report = checkGradients(wrongJvp, [tensor([0.3, -1.2, 2])], { mode });
    expect(report.verdict).toBe('fail');
    expect(report.mismatches.some((c) => c.quantity === 'jvp')).toBe(true);
    expect(report.mismatches.some((c) => c.quantity === 'vjp')).toBe(false);
  });
});

describe('sensitivity and specificity of the derived tolerance', () => {
  test('a relative error of 1e-6 in one entry of a smooth target is flagged', () => {
    const x = randn([50], 3, 0.7); // not saturated: an entry 1e-10 of its neighbours is below any tolerance
    for (const mode of modes) {
      for (const at of [0, 17, 49]) {
        const report = checkGradients(neuronLike(bumpEntry(0, at, 1e-6)), [x], { mode });
        expect(report.verdict, `${mode} entry ${at}\n${formatReport(report)}`).toBe('fail');
      }
    }
  });

  test('correct smooth targets pass from 1e-3 to 1e3 in magnitude, saturated tanh and exp near 30 included', () => {
    const targets = [tanh, elementwise('exp', Math.exp, Math.exp), elementwise('log', Math.log, (x) => 1 / x), elementwise('inverse', (x) => 1 / x, (x) => -1 / x ** 2), neuronLike()];
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 3 }), fc.array(real(0.5, 2), { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom(...modes), (exponent, values, seed, mode) => {
        for (const target of targets) {
          const magnitude = target.name === 'exp' ? Math.min(10 ** exponent, 30) : 10 ** exponent;
          const sign = target.name === 'log' ? 1 : -1;
          const x = tensor(values.map((v, i) => (i % 2 ? sign : 1) * v * magnitude));
          const report = checkGradients(target, [x], { mode, seed });
          expect(report.verdict, formatReport(report)).toBe('pass');
        }
      }),
      { numRuns: 40 },
    );
  });

  test('atol and rtol replace the derived tolerance', () => {
    const x = randn([5], 4);
    const target = neuronLike(bumpEntry(0, 2, 1e-6));
    expect(checkGradients(target, [x], { rtol: 1e-3 }).verdict).toBe('pass');
    expect(checkGradients(target, [x], { rtol: 1e-9, atol: 0 }).verdict).toBe('fail');
  });

  test('a float32 target is recognised by its output and budgeted for', () => {
    const f32 = elementwise('tanh32', (x) => Math.fround(Math.tanh(Math.fround(x))), (x) => 1 - Math.tanh(x) ** 2);
    const wrong = elementwise('tanh32', (x) => Math.fround(Math.tanh(Math.fround(x))), (x) => 1.01 * (1 - Math.tanh(x) ** 2));
    const x = tensor([0.3, -1.2, 2, 0.7]);
    const auto = checkGradients(f32, [x], { mode: 'full' });
    expect(auto.verdict, formatReport(auto)).toBe('pass');
    expect(auto.precision).toBe('float32');
    expect(formatReport(auto)).toMatch(/float32 arithmetic/);
    // under a float64 budget its noise is measured, not cried wolf at, and a 1% error still fails
    expect(checkGradients(f32, [x], { mode: 'full', precision: 'float64' }).ok).toBe(true);
    expect(checkGradients(wrong, [x], { mode: 'full', precision: 'float64' }).verdict).toBe('fail');
    expect(checkGradients(wrong, [x]).verdict).toBe('fail');
  });

  test('a small output computed from large intermediates is not a false alarm: its rounding is read off the samples', () => {
    // log(1 + e^(b − a)) as lse − a, the textbook cross-entropy of a confident prediction: the
    // output is ~1e-9, its error is ε·|a| ≈ 4e-15, and it moves in steps of that size
    const confident: Differentiable = {
      name: 'confident cross-entropy',
      forward: ([z]) => { const [a, b] = z!.data as unknown as [number, number]; return scalar(Math.log(Math.exp(a - a) + Math.exp(b - a))); },
      vjp: ([z], g) => { const [a, b] = z!.data as unknown as [number, number]; const q = 1 / (1 + Math.exp(a - b)); return [new Tensor(Float64Array.of(-q * g.item(), q * g.item()), z!.shape)]; },
    };
    for (const mode of modes) {
      const report = checkGradients(confident, [tensor([20, 0.5])], { mode });
      expect(report.ok, formatReport(report)).toBe(true);
      expect(checkGradients({ ...confident, vjp: (xs, g) => confident.vjp(xs, g).map((t) => new Tensor(t.data.map((v) => 2 * v), t.shape)) }, [tensor([20, 0.5])], { mode }).verdict).toBe('fail');
    }
  });

  test('simple values do not pass for float32 arithmetic', () => {
    expect(arithmeticOf(Float64Array.of(0, 1, 0.5, -3, 1024))).toBe('float64');
    expect(arithmeticOf(Float64Array.of(0.1, 1))).toBe('float64');
    expect(arithmeticOf(Float64Array.of(Math.fround(0.1), 1))).toBe('float32');
    expect(arithmeticOf(Float64Array.of(Math.fround(0.1)))).toBe('float64');
    expect(checkGradients(relu, [tensor([1, 2, -1])]).precision).toBe('float64');
  });

  test('values in parts (the samples along the first probe) tell what the same values joined tell', () => {
    const f = Math.fround(0.1);
    const cases: [number[][], 'float64' | 'float32'][] = [
      [[[1, 0.5], [f]], 'float32'], // the one intricate value, and the count, in different parts
      [[[f], [0.1]], 'float64'], // a float64 value in a later part
      [[[f], []], 'float64'], // a lone value, however the parts fall
      [[[0, 1], [0.5, -3]], 'float64'],
    ];
    for (const [parts, expected] of cases) {
      expect(arithmeticOfParts(parts)).toBe(expected);
      expect(arithmeticOf(parts.flat())).toBe(expected);
    }
    // the twin: the first part alone tells otherwise
    expect(arithmeticOf(cases[0]![0][0]!)).toBe('float64');
    expect(arithmeticOfParts([[f]], () => [0.1])).toBe('float64');
    expect(arithmeticOfParts([[f]], () => [f])).toBe('float32');
  });

  test('an output too simple to tell by is told by its values along the first probe: a float32 loss that lands on few bits', () => {
    // Σ x² in float32 with a gradient in float32: at these inputs the loss is 4.875 (6 significant bits)
    const f = Math.fround;
    const squares32: Differentiable = {
      name: 'float32 squares',
      forward: ([x]) => scalar(x!.data.reduce((s, v) => f(s + f(v * v)), 0)),
      vjp: ([x], g) => [new Tensor(x!.data.map((v) => f(f(2 * v) * f(g.item()))), x!.shape)],
    };
    const at = tensor([1.5, 1, 1.25, 0.25]);
    expect(squares32.forward([at]).item()).toBe(4.875);
    const report = checkGradients(squares32, [at], { seed: 3 });
    expect(report.precision).toBe('float32');
    expect(report.ok, formatReport(report)).toBe(true);
    // the same arithmetic in float64 stays float64, its gradients being anything but float32
    const squares64: Differentiable = { ...squares32, forward: ([x]) => scalar(x!.data.reduce((s, v) => s + v * v, 0)), vjp: ([x], g) => [new Tensor(x!.data.map((v) => 2 * v * g.item()), x!.shape)] };
    const float64 = checkGradients(squares64, [at], { seed: 3 });
    expect(float64.precision).toBe('float64');
    // a nondifferentiable input's gradient is not asked for (here the vjp gives none)
    const scaled: Differentiable = {
      name: 'float32 squares, scaled by an id',
      nondifferentiable: [1],
      forward: ([x, k]) => scalar(f(squares32.forward([x!]).item() * k!.item())),
      vjp: ([x, k], g) => [squares32.vjp([x!], scalar(f(g.item() * k!.item())))[0]!, null as unknown as Tensor],
    };
    expect(checkGradients(scaled, [at, scalar(2)], { seed: 3 })).toMatchObject({ precision: 'float32', verdict: 'pass' });
    // the values sampled for the noise reading tell: no vjp is asked for more (as one was when only the output could tell)
    expect(float64.evaluations.vjp).toBe(checkGradients(squares64, [tensor([1.1, 1, 1.25, 0.25])], { seed: 3 }).evaluations.vjp);
  });

  test('a scalar op at a scalar input tells by its output and its gradient together: two values, as a float32 kernel gives them', () => {
    // |x| in float32 at a float32 input (TensorFlow.js's Abs): output and gradient one value each
    const f = Math.fround;
    const abs32: Differentiable = {
      name: 'float32 abs',
      forward: ([x]) => new Tensor(x!.data.map((v) => f(Math.abs(v))), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => f(Math.sign(v) * f(g.data[i]!))), x!.shape)],
    };
    const report = checkGradients(abs32, [scalar(f(-1.8916168))], { seed: 3 });
    expect(report.precision).toBe('float32');
    expect(report.ok, formatReport(report)).toBe(true);
    // its float64 twin, at the same input, is float64: its gradient for a random cotangent is no float32
    expect(checkGradients(elementwise('abs', Math.abs, Math.sign), [scalar(f(-1.8916168))], { seed: 3 }).precision).toBe('float64');
  });
});

describe('a layer that caches activations in forward for its backward, as modules do', () => {
  class CachingTanh implements Differentiable {
    name = 'caching tanh';
    private y?: Float64Array;
    constructor(private readonly slope = 1) {}
    forward([x]: readonly Tensor[]): Tensor {
      this.y = x!.data.map(Math.tanh);
      return new Tensor(this.y.slice(), x!.shape);
    }
    vjp([x]: readonly Tensor[], g: Tensor): Tensor[] {
      return [new Tensor(this.y!.map((y, i) => this.slope * (1 - y * y) * g.data[i]!), x!.shape)];
    }
    jvp([x]: readonly Tensor[], [t]: readonly Tensor[]): Tensor {
      return new Tensor(this.y!.map((y, i) => this.slope * (1 - y * y) * t!.data[i]!), x!.shape);
    }
  }

  test.each(modes)('is checked at the point asked about, not at the last finite-difference step (%s mode)', (mode) => {
    const x = tensor([0.3, -1.2, 2, 0.7]);
    expect(checkGradients(new CachingTanh(), [x], { mode }).verdict).toBe('pass');
    expect(checkGradients(new CachingTanh(1.001), [x], { mode }).verdict).toBe('fail');
  });
});

describe('cost', () => {
  test('auto mode names a single wrong entry among 10,000 with a few hundred forward evaluations', () => {
    const x = randn([100, 100], 5);
    const report = checkGradients(neuronLike(bumpEntry(0, 4321, 1e-3)), [x]);
    expect(report.verdict).toBe('fail');
    expect(report.worst).toMatchObject({ input: 0, index: [43, 21] });
    expect(report.evaluations.forward).toBeLessThan(500);
  });

  test('a loss summed over 10⁵ terms, its noise measured, settles its steps: 16–30 forward evaluations, not 99', () => {
    // the sum rounds by about 30 units in its last place; believed to round by 4 at most, the
    // one-sided slopes never settle, and their steps halve to the smallest, twice (the twin: the
    // same check with the arithmetic given, where no noise is read)
    const sum: Differentiable = {
      name: 'Σ √(1 + x²)',
      forward: ([x]) => scalar(x!.data.reduce((s, v) => s + Math.sqrt(1 + v * v), 0)),
      vjp: ([x], g) => [new Tensor(x!.data.map((v) => (g.item() * v) / Math.sqrt(1 + v * v)), x!.shape)],
    };
    for (const seed of [1, 2]) {
      const x = randn([100_000], seed);
      const measured = checkGradients(sum, [x], { mode: 'fast' });
      expect(measured.verdict).toBe('pass');
      expect(measured.evaluations.forward).toBeLessThanOrEqual(32);
      expect(checkGradients(sum, [x], { mode: 'fast', precision: 'float64' }).evaluations.forward).toBeGreaterThanOrEqual(64);
    }
  });

  test('fast mode costs the same at every input size', () => {
    const counts = [10, 1000, 100_000].map((n) => checkGradients(neuronLike(), [randn([n], 6)], { mode: 'fast' }).evaluations);
    expect(new Set(counts.map((c) => JSON.stringify(c))).size).toBe(1);
  });
});

test('formatReport is a table naming the entry and both values', () => {
  const inputs = neuronInputs(0.7, -1.3, [0.5, -1.1, 0.9], [0.2, -0.4, 0.1]);
  const text = formatReport(checkGradients(neuron({ tweak: scale(1, 2) }), inputs));
  expect(text).toMatch(/gradcheck neuron: FAIL \(auto mode, seed 0\)/);
  expect(text).toMatch(/input\s+index\s+output\s+quantity\s+analytic\s+numeric/);
  expect(text).toMatch(/\n\s+1\s+\[\]\s+v\s+vjp\s+/);
  expect(text).toMatch(/evaluations: forward \d+, vjp \d+, jvp 0/);
});

/** sum_i tanh(x_i)·c_i with fixed weights c: a smooth scalar target of any size. */
function neuronLike(tweak: (g: Tensor[]) => Tensor[] = (g) => g): Differentiable {
  const c = (i: number) => 1 + ((i * 7919) % 13) / 13;
  return {
    name: 'weighted tanh',
    forward: ([x]) => scalar(x!.data.reduce((s, v, i) => s + c(i) * Math.tanh(v), 0)),
    vjp: ([x], g) => tweak([new Tensor(x!.data.map((v, i) => g.item() * c(i) * (1 - Math.tanh(v) ** 2)), x!.shape)]),
  };
}
