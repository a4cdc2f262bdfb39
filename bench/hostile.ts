/**
 * Hostile functions (BENCHMARKS part 5b): staircases and oscillations whose samples scatter far
 * beyond any arithmetic's rounding, checked with default options on seeded inputs. floor(a / b)
 * with a / b's gradient (TensorFlow.js's FloorDiv) is wrong wherever it is checked and must never
 * pass; with its own gradient, 0, it must pass. sin(w·x) in float32 with its right gradient must
 * never fail; where no window and no step resolves it (w of 10⁴ and more), inconclusive is right.
 * Functions the smallest float64 steps barely resolve (an oscillation, a bend or a rise as narrow
 * as they are): with a gradient 1% off they must never pass; with the right one, never fail.
 */
import { type Differentiable, type Mode, type Verdict, checkGradients } from '../src/check/index.js';
import { Rng, Tensor, randn } from '../src/tensor/index.js';
import { table } from './measure.js';

/** One row: a target, its gradient, and the verdicts of its seeded checks. */
export interface HostileRow {
  target: string;
  gradient: 'right' | 'wrong';
  checks: number;
  verdicts: Partial<Record<Verdict, number>>;
}

/**
 * floor(a / b) over n entries, in float32 (every value rounded by `round`) or float64, with a / b's
 * gradient or its own; a / b a whole number from about −8 to 8 plus a fraction, some a hair above
 * a jump, b at least 0.3 from 0.
 */
function floorDivCase(n: number, round: (x: number) => number, slope: boolean, seed: number): Case {
  const b = randn([n], seed + 100).data.map((v) => round(Math.abs(v) < 0.3 ? 0.3 * Math.sign(v || 1) : v));
  const q = randn([n], seed + 200).data.map((v) => Math.floor(v * 4) + 0.2 + ((0.6 * (((v * 1000) % 1) + 1)) % 1));
  const target: Differentiable = {
    name: 'floor(a / b)',
    forward: ([x, y]) => new Tensor(x!.data.map((v, i) => Math.floor(round(round(v) / y!.data[i]!))), x!.shape),
    vjp: ([x, y], g) => [
      new Tensor(x!.data.map((_, i) => (slope ? round(g.data[i]! / y!.data[i]!) : 0)), x!.shape),
      new Tensor(y!.data.map((v, i) => (slope ? round((-g.data[i]! * x!.data[i]!) / (v * v)) : 0)), y!.shape),
    ],
  };
  return { target, inputs: [new Tensor(q.map((v, i) => round(v * b[i]!)), [n]), new Tensor(b, [n])] };
}

/** sin(w·x) in float32 on 6 entries, its gradient times `factor`. */
function sinCase(w: number, factor: number, seed: number): Case {
  const f32 = Math.fround;
  const target: Differentiable = {
    name: `sin(${w}·x)`,
    forward: ([x]) => new Tensor(x!.data.map((v) => f32(Math.sin(w * f32(v)))), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => f32(g.data[i]! * factor * w * Math.cos(w * f32(v)))), x!.shape)],
  };
  return { target, inputs: [randn([6], seed)] };
}

/**
 * Functions that change as fast as the smallest float64 steps resolve, at a rate w drawn
 * log-uniformly from [10⁹, 10¹⁰): where the steps turn sin(w·x)'s phase by about a tenth of a
 * radian, and a bend or a rise of width 1/w lies within a few steps of the input.
 */
const BARELY_RESOLVED = {
  'sin(w·x)': (w: number) => [(v: number) => Math.sin(w * v), (v: number) => w * Math.cos(w * v)],
  'x²·sin(w·x)/w': (w: number) => [(v: number) => (v * v * Math.sin(w * v)) / w, (v: number) => (2 * v * Math.sin(w * v)) / w + v * v * Math.cos(w * v)],
  'softplus(w·(x − c))/w': (w: number, c: number) => [(v: number) => (Math.max(w * (v - c), 0) + Math.log1p(Math.exp(-Math.abs(w * (v - c))))) / w, (v: number) => 1 / (1 + Math.exp(-w * (v - c)))],
  'tanh(w·(x − c))': (w: number, c: number) => [(v: number) => Math.tanh(w * (v - c)), (v: number) => w * (1 - Math.tanh(w * (v - c)) ** 2)],
} satisfies Record<string, (w: number, c: number) => [(v: number) => number, (v: number) => number]>;

/**
 * One of them in float64 on 1 to 4 entries from [−2, 2) (c within 5/w of the first), in fast and
 * auto mode by turns, its gradient times `factor`.
 */
function barelyResolvedCase(family: keyof typeof BARELY_RESOLVED, factor: number, seed: number): Case {
  const rng = new Rng(seed * 7919);
  for (let i = 0; i < 8; i++) rng.next(); // a small seed's first draws are far from random
  const w = 10 ** (9 + rng.next());
  const x = Array.from({ length: rng.int(1, 5) }, () => rng.uniform(-2, 2));
  const [f, df] = BARELY_RESOLVED[family](w, x[0]! + (rng.next() - 0.5) * (10 / w));
  const target: Differentiable = {
    name: `${family} at w = ${w}`,
    forward: ([t]) => new Tensor(t!.data.map(f), t!.shape),
    vjp: ([t], g) => [new Tensor(t!.data.map((v, i) => g.data[i]! * factor * df(v)), t!.shape)],
  };
  return { target, inputs: [new Tensor(Float64Array.from(x), [x.length])], mode: seed % 2 ? 'fast' : 'auto' };
}

/** A seeded check's target and inputs, and its mode where not the default. */
interface Case {
  target: Differentiable;
  inputs: Tensor[];
  mode?: Mode;
}

function row(target: string, gradient: HostileRow['gradient'], checks: number, make: (seed: number) => Case): HostileRow {
  const verdicts: HostileRow['verdicts'] = {};
  for (let seed = 1; seed <= checks; seed++) {
    const { target: t, inputs, mode } = make(seed);
    const { verdict } = checkGradients(t, inputs, { seed, ...(mode ? { mode } : {}) });
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
  }
  return { target, gradient, checks, verdicts };
}

/** Every row: floor(a / b) over 3, 30 and 300 entries in both arithmetics, sin(w·x) in float32 at w = 10², 10⁴, 10⁵, and the barely resolved functions in float64. */
export function benchHostile(quick: boolean): HostileRow[] {
  const floors = quick ? 4 : 12;
  const sines = quick ? 20 : 60;
  const rows: HostileRow[] = [];
  for (const [arithmetic, round] of [['float32', Math.fround], ['float64', (x: number) => x]] as const) {
    for (const n of [3, 30, 300]) {
      for (const slope of [true, false]) {
        rows.push(row(`floor(a / b), ${n} entries, ${arithmetic}, ${slope ? "a / b's gradient" : 'gradient 0'}`, slope ? 'wrong' : 'right', floors, (seed) => floorDivCase(n, round, slope, seed)));
      }
    }
  }
  for (const w of [1e2, 1e4, 1e5]) {
    for (const factor of [1, 1.01]) {
      rows.push(row(`sin(${w}·x), float32, gradient ×${factor}`, factor === 1 ? 'right' : 'wrong', sines, (seed) => sinCase(w, factor, seed)));
    }
  }
  for (const family of Object.keys(BARELY_RESOLVED) as (keyof typeof BARELY_RESOLVED)[]) {
    for (const factor of [1, 1.01]) {
      rows.push(row(`${family}, 10⁹ ≤ w < 10¹⁰, float64, gradient ×${factor}`, factor === 1 ? 'right' : 'wrong', 2 * sines, (seed) => barelyResolvedCase(family, factor, seed)));
    }
  }
  return rows;
}

export function hostileTable(rows: readonly HostileRow[]): string {
  const verdicts: Verdict[] = ['fail', 'inconclusive', 'nonsmooth', 'pass', 'error'];
  return table(
    ['target', 'gradient', 'checks', ...verdicts],
    rows.map((r) => [r.target, r.gradient, String(r.checks), ...verdicts.map((v) => String(r.verdicts[v] ?? 0))]),
  );
}
