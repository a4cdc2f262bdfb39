/**
 * Hard functions at generated inputs, each with its correct and its wrong twin: the verdict must be
 * one a user can trust. A correct twin is never failed; a wrong twin never passes; where the steps
 * cannot resolve the function the check says so ('inconclusive') rather than guess.
 *
 * Replay: fast-check's seed is the global one (GRADPROP_SEED, see vitest.setup.ts); a failure
 * prints its seed and path.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { uniformReal } from '../src/arbitraries/index.js';
import { type Differentiable, type GradCheckReport, type Mode, checkGradients, formatReport } from '../src/check/index.js';
import { Tensor, scalar, tensor } from '../src/tensor/index.js';

const modes = fc.constantFrom<Mode>('auto', 'fast', 'full');
const seeds = fc.nat();

/** An elementwise target: f, and the derivative its vjp uses. */
function elementwise(name: string, f: (x: number) => number, df: (x: number) => number): Differentiable {
  return {
    name,
    forward: ([x]) => new Tensor(x!.data.map(f), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v) * g.data[i]!), x!.shape)],
  };
}

function expectVerdict(report: GradCheckReport, allowed: readonly GradCheckReport['verdict'][]): void {
  expect(allowed, formatReport(report)).toContain(report.verdict);
}

/** Entries, some placed exactly on a jump (`on`), the others anywhere in [-3, 3]. */
const entries = (on: fc.Arbitrary<number>) => fc.array(fc.oneof(on, uniformReal({ min: -3, max: 3 })), { minLength: 1, maxLength: 4 }).map((xs) => tensor(xs));
const integers = fc.integer({ min: -3, max: 3 });

describe('jumps: the value at a jump is named, and every other entry still judged', () => {
  const families: [string, (x: number) => number, fc.Arbitrary<number>, (x: number) => number, (x: number) => number][] = [
    // name, f, where it jumps, its derivative (0 on either side of the jump), a wrong derivative
    ['floor', Math.floor, integers, () => 0, () => 1],
    ['round', Math.round, integers.map((k) => k + 0.5), () => 0, () => 1],
    ['sign', Math.sign, fc.constant(0), () => 0, () => 1],
    ['step [x > 1] + x²', (x) => (x > 1 ? 1 : 0) + x * x, fc.constant(1), (x) => 2 * x, (x) => 2 * x + 1e-3],
    // wrong on both sides: at the jump, outside the slopes 0 and 1 beside it
    ['mask x·[x > ½]', (x) => (x > 0.5 ? x : 0), fc.constant(0.5), (x) => (x > 0.5 ? 1 : 0), (x) => (x > 0.5 ? 1.01 : -0.01)],
  ];
  test.each(families)('%s: the correct twin is ok, the wrong one fails', (name, f, at, df, wrong) => {
    fc.assert(
      fc.property(entries(at), modes, seeds, (x, mode, seed) => {
        expectVerdict(checkGradients(elementwise(name, f, df), [x], { mode, seed }), ['pass', 'nonsmooth']);
        // a wrong derivative shows at any entry off a jump; at one on it, outside the slopes beside it
        expectVerdict(checkGradients(elementwise(`${name}, wrong`, f, wrong), [x], { mode, seed }), ['fail']);
      }),
      { numRuns: 25 },
    );
  });

  test('floor-division a // b: its gradient is 0; TensorFlow.js’s, that of a / b, fails wherever it is checked', () => {
    const floorDivision = (likeTfjs: boolean): Differentiable => ({
      name: likeTfjs ? 'floorDiv (gradient of a / b)' : 'floorDiv',
      forward: ([a, b]) => new Tensor(a!.data.map((v, i) => Math.floor(v / b!.data[i]!)), a!.shape),
      vjp: ([a, b], g) => [
        new Tensor(a!.data.map((_, i) => (likeTfjs ? g.data[i]! / b!.data[i]! : 0)), a!.shape),
        new Tensor(a!.data.map((v, i) => (likeTfjs ? (-g.data[i]! * v) / b!.data[i]! ** 2 : 0)), a!.shape),
      ],
    });
    // a on a multiple of b, or not
    const cases = fc
      .array(fc.tuple(fc.integer({ min: -4, max: 4 }), fc.constantFrom(1.5, 2, 3), fc.boolean(), uniformReal({ min: 0.1, max: 0.9 })), { minLength: 1, maxLength: 3 })
      .map((rows) => [tensor(rows.map(([k, b, on, off]) => k * b + (on ? 0 : off * b))), tensor(rows.map(([, b]) => b))]);
    fc.assert(
      fc.property(cases, modes, seeds, (inputs, mode, seed) => {
        expectVerdict(checkGradients(floorDivision(false), inputs, { mode, seed }), ['pass', 'nonsmooth']);
        expectVerdict(checkGradients(floorDivision(true), inputs, { mode, seed }), ['fail']);
      }),
      { numRuns: 25 },
    );
  });
});

describe('fast oscillation', () => {
  const sinOf = (w: number, scale: number) => elementwise(`sin(${w.toExponential(1)}·x)`, (x) => Math.sin(w * x), (x) => scale * w * Math.cos(w * x));
  const log10 = (low: number, high: number) => uniformReal({ min: low, max: high }).map((e) => 10 ** e);

  test('up to 10⁷ times faster than the first step resolves: the right gradient passes, a wrong one fails', () => {
    fc.assert(
      fc.property(log10(3, 7), uniformReal({ min: -3, max: 3 }), modes, seeds, (w, x, mode, seed) => {
        expectVerdict(checkGradients(sinOf(w, 1), [scalar(x)], { mode, seed }), ['pass']);
        expectVerdict(checkGradients(sinOf(w, 0), [scalar(x)], { mode, seed }), ['fail']);
        expectVerdict(checkGradients(sinOf(w, 1.01), [scalar(x)], { mode, seed }), ['fail']);
      }),
      { numRuns: 25 },
    );
  });

  test('beyond any usable step (10¹¹ and more): never a pass, never a failure of the right gradient', () => {
    fc.assert(
      fc.property(log10(11, 15), uniformReal({ min: -3, max: 3 }), modes, seeds, (w, x, mode, seed) => {
        expectVerdict(checkGradients(sinOf(w, 1), [scalar(x)], { mode, seed }), ['inconclusive']);
        expectVerdict(checkGradients(sinOf(w, 0), [scalar(x)], { mode, seed }), ['inconclusive', 'fail']);
      }),
      { numRuns: 15 },
    );
  });
});

describe('broken contracts that make finite differences lie', () => {
  const xs = fc.array(uniformReal({ min: -2, max: 2 }), { minLength: 1, maxLength: 4 }).map((v) => tensor(v));

  test('an output buffer filled and returned again every call fails as aliased, whatever its vjp; a fresh one passes', () => {
    const reusing = (gradient: (x: number) => number): Differentiable => {
      let out: Tensor | undefined;
      return {
        name: 'tanh into one buffer',
        forward: ([x]) => {
          out = out?.size === x!.size ? out : new Tensor(new Float64Array(x!.size), x!.shape);
          (out.data as Float64Array).set(x!.data.map(Math.tanh));
          return out;
        },
        vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => gradient(v) * g.data[i]!), x!.shape)],
      };
    };
    const tanhPrime = (v: number) => 1 - Math.tanh(v) ** 2;
    fc.assert(
      fc.property(xs, modes, seeds, (x, mode, seed) => {
        for (const gradient of [tanhPrime, () => 0]) expect(checkGradients(reusing(gradient), [x], { mode, seed })).toMatchObject({ verdict: 'fail', problem: 'aliased-output' });
        expectVerdict(checkGradients(elementwise('tanh', Math.tanh, tanhPrime), [x], { mode, seed }), ['pass']);
      }),
      { numRuns: 25 },
    );
  });

  test('noise that starts after some calls is found by the last call at the input, whatever the vjp', () => {
    const noisy = (from: number, scale: number): Differentiable => {
      let calls = 0;
      let state = from;
      return {
        name: 'sin with late noise',
        forward: ([x]) => {
          calls++;
          return new Tensor(x!.data.map((v) => Math.sin(v) + (calls > from ? 1e-4 * (((state = (state * 9301 + 49297) % 233280) / 233280) - 0.5) : 0)), x!.shape);
        },
        vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => scale * Math.cos(v) * g.data[i]!), x!.shape)],
      };
    };
    fc.assert(
      // from a call the smallest check makes (11 forward calls: two at the input, eight along the
      // probe, one at the end); noise from a call no check reaches would not have touched it
      fc.property(xs, fc.integer({ min: 2, max: 9 }), fc.constantFrom(0, 1, 1.3), modes, seeds, (x, from, scale, mode, seed) => {
        expect(checkGradients(noisy(from, scale), [x], { mode, seed })).toMatchObject({ verdict: 'fail', problem: 'nondeterminism' });
      }),
      { numRuns: 25 },
    );
  });
});

describe('scales: tiny, huge, near overflow', () => {
  test('c·tanh(x) for c from 1e-300 to 1e300: right passes, 0.1% off fails', () => {
    const scaled = (c: number, by: number) => elementwise(`${c.toExponential(0)}·tanh`, (x) => c * Math.tanh(x), (x) => by * c * (1 - Math.tanh(x) ** 2));
    fc.assert(
      fc.property(uniformReal({ min: -300, max: 300 }), fc.array(uniformReal({ min: -2, max: 2 }), { minLength: 1, maxLength: 3 }), modes, seeds, (e, v, mode, seed) => {
        const c = 10 ** e;
        expectVerdict(checkGradients(scaled(c, 1), [tensor(v)], { mode, seed }), ['pass']);
        expectVerdict(checkGradients(scaled(c, 1.001), [tensor(v)], { mode, seed }), ['fail']);
      }),
      { numRuns: 30 },
    );
  });

  test('inputs from 1e-150 to 1e150 through x²: right passes, 0.1% off fails', () => {
    fc.assert(
      fc.property(uniformReal({ min: -150, max: 150 }), fc.array(uniformReal({ min: 0.5, max: 2 }), { minLength: 1, maxLength: 3 }), modes, seeds, (e, v, mode, seed) => {
        const x = tensor(v.map((u, i) => (i % 2 ? -1 : 1) * u * 10 ** e));
        expectVerdict(checkGradients(elementwise('x²', (u) => u * u, (u) => 2 * u), [x], { mode, seed }), ['pass']);
        expectVerdict(checkGradients(elementwise('x², off', (u) => u * u, (u) => 2.002 * u), [x], { mode, seed }), ['fail']);
      }),
      { numRuns: 30 },
    );
  });

  test('near overflow — x² up to 1.3e154, exp up to 709: right passes, 0.2% off fails, no tolerance is NaN', () => {
    const families = fc.oneof(
      uniformReal({ min: 1e153, max: 1.3e154 }).map((x) => ({ f: (u: number) => u * u, df: (u: number) => 2 * u, x })),
      uniformReal({ min: 690, max: 709 }).map((x) => ({ f: Math.exp, df: Math.exp, x })),
    );
    fc.assert(
      fc.property(families, modes, seeds, ({ f, df, x }, mode, seed) => {
        const right = checkGradients(elementwise('near overflow', f, df), [tensor([x, x / 1.01])], { mode, seed });
        expectVerdict(right, ['pass']);
        expect(JSON.stringify(right)).not.toMatch(/NaN/);
        expectVerdict(checkGradients(elementwise('near overflow, off', f, (u) => 1.002 * df(u)), [tensor([x, x / 1.01])], { mode, seed }), ['fail']);
      }),
      { numRuns: 20 },
    );
  });
});

describe('cancellation-heavy forwards', () => {
  /** Softmax cross-entropy with label 0, written as lse(z) − z₀ (max-shifted); `labelTerm` 0 is the classic bug. */
  const crossEntropy = (labelTerm: number): Differentiable => ({
    name: labelTerm === 1 ? 'cross-entropy' : 'cross-entropy without the label’s −1',
    forward: ([z]) => {
      const m = Math.max(...z!.data);
      return scalar(m + Math.log(z!.data.reduce((s, v) => s + Math.exp(v - m), 0)) - z!.data[0]!);
    },
    vjp: ([z], g) => {
      const m = Math.max(...z!.data);
      const s = z!.data.reduce((t, v) => t + Math.exp(v - m), 0);
      return [new Tensor(z!.data.map((v, i) => (Math.exp(v - m) / s - (i === 0 ? labelTerm : 0)) * g.item()), z!.shape)];
    },
  });
  // logits with the label's up to 40 above the others: the loss is lse − z₀, a tiny difference of large terms
  const logits = fc.tuple(uniformReal({ min: -40, max: 40 }), fc.array(uniformReal({ min: -3, max: 3 }), { minLength: 1, maxLength: 4 })).map(([margin, rest]) => tensor([margin, ...rest]));

  test('cross-entropy with confident logits: the right gradient is never failed, the one without the label’s −1 always is', () => {
    fc.assert(
      fc.property(logits, modes, seeds, (z, mode, seed) => {
        expectVerdict(checkGradients(crossEntropy(1), [z], { mode, seed }), ['pass']);
        expectVerdict(checkGradients(crossEntropy(0), [z], { mode, seed }), ['fail']);
      }),
      { numRuns: 40 },
    );
  });

  /** softmax(z), its vjp p ⊙ (v − ⟨v, p⟩) (without the factor p: `wrong`) and its jvp. */
  const softmax = (wrong: boolean): Differentiable => {
    const probabilities = (z: Float64Array) => {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((t, v) => t + v, 0);
      return e.map((v) => v / s);
    };
    const pulled = (p: Float64Array, g: Float64Array) => {
      const mean = p.reduce((t, pi, i) => t + pi * g[i]!, 0);
      return p.map((pi, i) => (wrong ? 1 : pi) * (g[i]! - mean));
    };
    return {
      name: wrong ? 'softmax, vjp without the factor p' : 'softmax',
      forward: ([z]) => new Tensor(probabilities(z!.data), z!.shape),
      vjp: ([z], g) => [new Tensor(pulled(probabilities(z!.data), g.data), z!.shape)],
      jvp: ([z], [u]) => new Tensor(pulled(probabilities(z!.data), u!.data), z!.shape),
    };
  };

  test('a saturated softmax: derivatives tiny beside the O(1) values they come from pass linearity and duality; a wrong vjp fails', () => {
    fc.assert(
      fc.property(logits, modes, seeds, (z, mode, seed) => {
        expectVerdict(checkGradients(softmax(false), [z], { mode, seed }), ['pass']);
        expectVerdict(checkGradients(softmax(true), [z], { mode, seed }), ['fail']);
      }),
      { numRuns: 40 },
    );
  });

  test('(x + 1e8) − 1e8 and its like: a sum computed beside a large constant', () => {
    // the wrong twin is off by 0.05 absolute: near a zero of the derivative, where a relative
    // error would be lost in the offset's rounding, it still shows
    const shifted = (offset: number, off: number): Differentiable => ({
      name: `(x + ${offset}) − ${offset}`,
      forward: ([x]) => new Tensor(x!.data.map((v) => Math.sin(v + offset - offset) + offset - offset), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => (Math.cos(v + offset - offset) + off) * g.data[i]!), x!.shape)],
    });
    fc.assert(
      fc.property(fc.constantFrom(1e4, 1e6, 1e8), fc.array(uniformReal({ min: -2, max: 2 }), { minLength: 1, maxLength: 3 }), modes, seeds, (offset, v, mode, seed) => {
        // the rounding of x to the offset's last place is noise the check cannot see coming: it can
        // set the one-sided slopes of a probe apart by ~1e-5 of themselves, a kink that is ok
        expectVerdict(checkGradients(shifted(offset, 0), [tensor(v)], { mode, seed }), ['pass', 'nonsmooth', 'inconclusive']);
        expectVerdict(checkGradients(shifted(offset, 0.05), [tensor(v)], { mode, seed }), ['fail', 'inconclusive']);
      }),
      { numRuns: 20 },
    );
  });
});
