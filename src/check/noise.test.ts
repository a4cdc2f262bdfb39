/**
 * The forward's noise, read off samples along a line: each case is a forward a user meets, with
 * the twin that must be read the other way — float32 arithmetic against the same formula in
 * float64, float32-accurate values in a float64 array, an exact float64 computation on
 * float32-representable inputs, a cancelling formula, and a forward that does not move.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../tensor/index.js';
import { leastSquares } from './least-squares.js';
import { Spares } from './spares.js';
import { NOISY, effectiveRounding, judgeNoise, measuredRounding, ProjectedNoise, readNoise, readNoiseByStep, signedSums, sizeOfTerms, sumsByPattern } from './noise.js';

/** The steps the float64 check takes along a direction: ±2^-7 … ±2^-10 of each entry, and 0. */
const STEPS = [0, ...[7, 8, 9, 10].flatMap((k) => [2 ** -k, -(2 ** -k)])];

/** φ(t) = Σ v_i·f(x_i + t·d_i) for an elementwise f, with random signs v and directions d of one seed. */
function reading(f: (x: number) => number, x: readonly number[], seed = 1) {
  const rng = new Rng(seed);
  const v = x.map(() => (rng.next() < 0.5 ? -1 : 1));
  const d = x.map((xi) => (rng.next() < 0.5 ? -1 : 1) * (Math.abs(xi) || 1));
  const phi = (t: number) => x.reduce((s, xi, i) => s + v[i]! * f(xi + t * d[i]!), 0);
  const size = x.reduce((s, xi) => s + Math.abs(f(xi)), 0);
  return readNoise(STEPS, STEPS.map(phi), size);
}

const inputs = [0.3, -1.2, 0.7, 2.1, -0.05, 1.5];
const f32 = Math.fround;

describe('a formula in float32 and in float64', () => {
  test.each([
    ['tanh', Math.tanh],
    ['softplus', (x: number) => Math.log1p(Math.exp(x))],
    ['x³ − x', (x: number) => x ** 3 - x],
  ])('%s: float64 is quiet, float32 (inputs and result rounded) is noisy', (_, f) => {
    const float64 = reading(f, inputs);
    // rounding, and the curvature a quartic misses over steps of 2^-7 of an entry: 1e-13 at most here
    expect(float64.relative).toBeLessThan(2 ** -40);
    expect(judgeNoise(float64)).toBe('quiet');
    const float32 = reading((x) => f32(f(f32(x))), inputs);
    expect(float32.relative).toBeGreaterThan(2 ** -30);
    expect(judgeNoise(float32)).toBe('noisy');
  });
});

describe('what the array type does not tell', () => {
  test('float64 values accurate to float32 only (as @jax-js/jax returns) are noisy', () => {
    // a kernel accurate to a few float32 units, returned in float64 without rounding to float32
    const jaxLike = (x: number) => Math.tanh(x) * (1 + 3e-7 * Math.sin(1e7 * x));
    const r = reading(jaxLike, inputs);
    expect(judgeNoise(r)).toBe('noisy');
    expect(Math.fround(jaxLike(0.3))).not.toBe(jaxLike(0.3)); // the twin of "every value a float32"
  });

  test('2x in float64 on float32-representable inputs, moved by exact steps, is quiet: exact arithmetic is not float32', () => {
    const r = reading((x) => 2 * x, inputs.map(f32));
    // exact values: what is left is the fit's own rounding
    expect(r.relative).toBeLessThan(2 ** -50);
    expect(judgeNoise(r)).toBe('quiet');
    // its twin in float32, moved by float64 steps that float32 must round, is noisy
    expect(judgeNoise(reading((x) => f32(2 * f32(x)), inputs.map(f32)))).toBe('noisy');
  });

  test('tanh as (e^{2x} − 1)/(e^{2x} + 1) at 1e-9 is noisy in float64: it cancels', () => {
    const cancelling = (x: number) => (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1);
    expect(judgeNoise(reading(cancelling, [1e-9, -2e-9]))).toBe('noisy');
    expect(judgeNoise(reading(Math.tanh, [1e-9, -2e-9]))).toBe('quiet');
  });
});

describe('a forward that does not move', () => {
  test('a constant cannot show its noise, whatever its arithmetic: undecided', () => {
    const r = reading(() => 0.1, inputs);
    expect(r.noise).toBeLessThan(1e-15);
    expect([r.moved, judgeNoise(r)]).toEqual([false, undefined]);
  });

  test('a float32 forward that moves by a few units in the last place is undecided, not quiet', () => {
    const nearlyFlat = (x: number) => f32(1 + f32(1e-9 * x));
    expect(judgeNoise(reading(nearlyFlat, inputs))).toBeUndefined();
  });
});

describe('the rounding a check budgets for', () => {
  test('its arithmetic’s unit, or the measured noise where that is larger', () => {
    expect(effectiveRounding('float64')).toBe(2 ** -53);
    expect(effectiveRounding('float32', reading(Math.tanh, inputs))).toBe(2 ** -24);
    expect(effectiveRounding('float64', { noise: 1, relative: 1e-9, moved: true, range: 1, dof: 4, unbent: NaN })).toBe(1e-9);
    expect(effectiveRounding('float64', { noise: 1, relative: Infinity, moved: false, range: 0, dof: 4, unbent: NaN })).toBe(2 ** -53);
  });

  test('the threshold sits far from both arithmetics', () => {
    expect(NOISY / 2 ** -53).toBeGreaterThanOrEqual(2 ** 16);
    expect(2 ** -24 / NOISY).toBeGreaterThanOrEqual(2 ** 12);
  });
});

describe('the rounding finite differences may believe (measuredRounding)', () => {
  test('a sum of 10⁵ terms, summed in order, rounds by many units in its last place; summed exactly, by a few, which are not believed', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 3));
    const x = Array.from({ length: 100_000 }, () => rng.normal());
    // four lines through x, their readings pooled (16 degrees of freedom)
    const lines = Array.from({ length: 4 }, () => x.map(() => rng.normal()));
    const term = (d: number[], t: number, i: number) => Math.sqrt(1 + (x[i]! + t * d[i]!) ** 2);
    const inOrder = (d: number[], t: number) => x.reduce((s, _, i) => s + term(d, t, i), 0);
    // Kahan's compensated sum: the rounding of one value
    const compensated = (d: number[], t: number) => {
      let [sum, carry] = [0, 0];
      for (let i = 0; i < x.length; i++) {
        const y = term(d, t, i) - carry;
        const next = sum + y;
        carry = next - sum - y;
        sum = next;
      }
      return sum;
    };
    const read = (phi: (d: number[], t: number) => number) => {
      const series = lines.map((d) => STEPS.map((t) => phi(d, t / 8)));
      const values = series.map((s) => s[0]!);
      return measuredRounding(readNoise(STEPS, series, values.reduce((a, b) => a + Math.abs(b), 0)), values) / 2 ** -53;
    };
    // in units of float64’s, read about a curve of degree 6: 29–95 in order over GRADPROP_SEED
    // 1–10 (10⁴ terms: 14–44, 10³: 4–12), a few compensated — not believed (see MANY_ROUNDINGS)
    expect(read(inOrder)).toBeGreaterThan(16);
    expect(read(compensated)).toBe(0);
  });

  test('curvature is no noise: a tanh on 8 entries at the check’s steps, rounded once, is believed to round by nothing more than its staircase shows', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 3));
    // entries where tanh bends (not saturated), moved by ½ to 1½ of themselves' scale
    const signed = (low: number, high: number) => (rng.uniform(0, 1) < 0.5 ? -1 : 1) * rng.uniform(low, high);
    const x = Array.from({ length: 8 }, () => signed(0.3, 1.2));
    const d = x.map(() => signed(0.5, 1.5));
    // one series per output entry, at steps as large as the check's first (2^-7 of the entry)
    const series = x.map((xi, i) => STEPS.map((t) => Math.tanh(xi + t * d[i]!)));
    const values = series.map((s) => s[0]!);
    const reading = readNoise(STEPS, series, values.reduce((a, b) => a + Math.abs(b), 0));
    expect(measuredRounding(reading, values)).toBe(0);
    // the twin: about the quartic, curvature reads as a long sum's noise
    expect(measuredRounding({ ...reading, unbent: reading.noise }, values)).toBeGreaterThan(0);
  });

  test('the noise per unit of the values’ root-sum-square; nothing where nothing was read or more than float64 rounding', () => {
    const reading = (noise: number, relative: number) => ({ noise, relative, moved: true, range: 1, dof: 4, unbent: noise });
    expect(measuredRounding(reading(1e-14, 1e-15), [3, -4])).toBeCloseTo(2e-15, 30);
    expect(measuredRounding(reading(1e-14, 1e-15), [0, 0])).toBe(0);
    // a few roundings (a short sum's): the staircase shows them as they are
    expect(measuredRounding(reading(1e-15, 1e-16), [3, -4])).toBe(0);
    expect(measuredRounding(undefined, [3, -4])).toBe(0);
    expect(measuredRounding(reading(1e-14, NOISY), [3, -4])).toBeGreaterThan(0);
    expect(measuredRounding(reading(1e-14, 2 * NOISY), [3, -4])).toBe(0);
  });
});

describe('series given by step', () => {
  test('read as the same series given one by one: the same reading, to the last bit', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 3));
    const series = Array.from({ length: 5 }, (_, i) => STEPS.map((t) => Math.fround(Math.sin(i + 0.7 * t) + (rng.next() - 0.5) * 1e-9)));
    const rows = STEPS.map((_, k) => Float64Array.from(series, (s) => s[k]!));
    expect(readNoiseByStep(STEPS, rows, 3)).toEqual(readNoise(STEPS, series, 3));
    expect(() => readNoiseByStep(STEPS, rows.slice(1), 3)).toThrow(RangeError);
  });
});

describe('one factorisation for the quartic and the sextic', () => {
  /** The reading as two fits of their own give it: each series' quartic and sextic rss, pooled. */
  function twoFits(t: readonly number[], series: readonly number[][]) {
    const span = Math.max(...t.map(Math.abs));
    const columns = (degree: number) => Array.from({ length: degree + 1 }, (_, p) => Float64Array.from(t, (x) => (x / span) ** p));
    const pooled = (degree: number) => Math.sqrt(series.reduce((v, s) => v + leastSquares(columns(degree), Float64Array.from(s)).rss / (t.length - degree - 1), 0));
    return { noise: pooled(4), unbent: pooled(6) };
  }

  test('reads what two fits read, to 1e-12, on random series; a series 1e-9 off does not', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 3));
    for (let k = 0; k < 20; k++) {
      const series = Array.from({ length: 1 + Math.floor(5 * rng.next()) }, () => STEPS.map((t) => Math.exp((rng.next() - 0.5) * t * 50) + (rng.next() - 0.5) * 10 ** (-1 - 5 * rng.next())));
      const { noise, unbent } = readNoise(STEPS, series, 1);
      const two = twoFits(STEPS, series);
      expect(Math.abs(noise - two.noise)).toBeLessThanOrEqual(1e-12 * two.noise);
      expect(Math.abs(unbent - two.unbent)).toBeLessThanOrEqual(1e-12 * two.unbent);
      // the twin: one sample 1e-9 (of the series' size) off reads apart from the two fits
      const off = series.map((s, i) => (i === 0 ? s.map((y, j) => (j === 3 ? y + 1e-9 * Math.abs(s[0]!) : y)) : s));
      const moved = readNoise(STEPS, off, 1);
      expect(Math.abs(moved.noise - two.noise) + Math.abs(moved.unbent - two.unbent)).toBeGreaterThan(1e-12 * (two.noise + two.unbent));
    }
  });
});

describe('a large output read off projections on random signs', () => {
  const seed = Number(process.env.GRADPROP_SEED ?? 3);
  const N = 100_000;
  /** A forward's outputs at 10⁵ entries along a line through random inputs, by step (the first probe's samples). */
  function rowsOf(forward: (x: Float64Array) => Float64Array) {
    const rng = new Rng(seed);
    const x = Float64Array.from({ length: N }, () => rng.normal());
    const d = x.map((xi) => (rng.next() < 0.5 ? -1 : 1) * Math.abs(xi));
    return STEPS.map((t) => forward(x.map((xi, i) => xi + t * d[i]!)));
  }
  const size = (rows: Float64Array[]) => rows[0]!.reduce((s, y) => s + Math.abs(y), 0);
  const projected = (rows: Float64Array[]) => {
    const reader = new ProjectedNoise(new Rng(seed + 1), N);
    rows.forEach((y, k) => reader.add(STEPS[k]!, y));
    return reader.reading(size(rows));
  };
  const perUnit = (reading: ReturnType<typeof readNoise>, rows: Float64Array[]) => measuredRounding(reading, rows[0]!) / 2 ** -53;
  const tanh64 = (x: Float64Array) => x.map(Math.tanh);
  const tanh32 = (x: Float64Array) => x.map((v) => f32(Math.tanh(f32(v))));

  test('its highs and lows are the spares’ once read: the next two arrays of the output’s length are them', () => {
    const rows = rowsOf(tanh64);
    const spares = new Spares();
    const reader = new ProjectedNoise(new Rng(seed + 1), N, spares);
    rows.forEach((y, k) => reader.add(STEPS[k]!, y));
    reader.reading(size(rows));
    const [a, b] = [spares.take(N), spares.take(N)];
    const extremes = [0, 1, N - 1].map((i) => rows.map((y) => y[i]!)).map((v) => [Math.max(...v), Math.min(...v)].sort());
    expect([0, 1, N - 1].map((i) => [a[i]!, b[i]!].sort())).toEqual(extremes);
  });

  test('float32 elementwise at 10⁵ entries reads float32 noise; float64 reads none that finite differences would believe, as entry by entry', () => {
    const [float64, float32] = [rowsOf(tanh64), rowsOf(tanh32)];
    const [p64, p32] = [projected(float64), projected(float32)];
    expect(judgeNoise(p32)).toBe('noisy');
    // relative to Σ|y_i|, which grows as n where rounding grows as √n
    expect(p32.relative * Math.sqrt(N)).toBeGreaterThan(2 ** -30);
    expect(judgeNoise(p64)).toBe('quiet');
    expect(perUnit(p64, float64)).toBe(0);
    // the same meaning as every entry's series pooled: noise within a factor of the projections' spread, the same range
    for (const [rows, reading] of [[float64, p64], [float32, p32]] as const) {
      const pooled = readNoiseByStep(STEPS, rows, size(rows));
      expect(reading.range).toBe(pooled.range);
      expect(reading.moved).toBe(pooled.moved);
      expect(reading.relative / pooled.relative).toBeGreaterThan(1 / 3);
      expect(reading.relative / pooled.relative).toBeLessThan(3);
    }
    // the twin: the same projections summed plainly, 10⁵ terms in order, round by tens of units
    // of float64's last place: read as the forward's noise, a long sum's, and believed
    const rng = new Rng(seed + 1);
    const signs = Array.from({ length: 8 }, () => Float64Array.from({ length: N }, () => (rng.next() < 0.5 ? -1 : 1)));
    const plain = signs.map((v) => float64.map((row) => row.reduce((s, y, i) => s + v[i]! * y, 0)));
    const pooledPlain = readNoise(STEPS, plain, size(float64));
    // readNoise pools the 8 series' variances; the projected reading averages them
    expect(perUnit({ ...pooledPlain, unbent: pooledPlain.unbent / Math.sqrt(8) }, float64)).toBeGreaterThan(16);
  });

  test('a long sum in every entry (a running sum of 10⁵ terms in order) is believed noisy, as entry by entry; summed compensated, it is not', () => {
    const running = (compensated: boolean) => (x: Float64Array) => {
      let [sum, lost] = [0, 0];
      return x.map((v) => {
        const term = Math.sqrt(1 + v * v);
        const total = sum + term;
        if (compensated) lost += Math.abs(sum) >= term ? sum - total + term : term - total + sum;
        sum = total;
        return sum + lost;
      });
    };
    const [inOrder, exact] = [rowsOf(running(false)), rowsOf(running(true))];
    expect(perUnit(projected(inOrder), inOrder)).toBeGreaterThan(16);
    expect(perUnit(readNoiseByStep(STEPS, inOrder, size(inOrder)), inOrder)).toBeGreaterThan(16);
    expect(perUnit(projected(exact), exact)).toBe(0);
  });
});

describe('the pass over a sample (sumsByPattern, signedSums)', () => {
  const seed = Number(process.env.GRADPROP_SEED ?? 3);
  const N = 20_000;
  const rng = new Rng(seed);
  /**
   * Normal values; zeros of both signs, subnormals and values near 1e-300 among them; and either
   * values near 1e300 or pairs of a value 2^40 times larger and its negative (their entries' signs
   * alike), which cancel in every sum: Σ|y_i| is about 2^40 times the sums, which a plain sum
   * rounds away.
   */
  const sample = (huge: boolean) => {
    const y = Float64Array.from({ length: N }, () => {
      const u = rng.next();
      if (u < 0.02) return rng.next() < 0.5 ? -0 : 0;
      if (u < 0.04) return rng.normal() * 2 ** -1064;
      if (u < 0.06) return rng.normal() * 1e-300;
      if (u < 0.08 && huge) return rng.normal() * 1e300;
      return rng.normal();
    });
    if (!huge) for (let i = 0; i + 1 < N; i += 2) if (rng.next() < 0.5) [y[i], y[i + 1]] = [2 ** 40 * y[i]!, -(2 ** 40) * y[i]!];
    return y;
  };
  const signs = Uint8Array.from({ length: N }, () => Math.floor(rng.next() * 256)).map((b, i, all) => (i % 2 === 1 ? all[i - 1]! : b));
  const signed = (y: Float64Array, j: number) => Array.from(y, (v, i) => ((signs[i]! >> j) & 1 ? -v : v));
  /** Σ x exactly, rounded once (Shewchuk's partials: non-overlapping, so summed from the largest down they round as the exact sum does, but in a tie). */
  const exact = (x: readonly number[]) => {
    const partials: number[] = [];
    for (let v of x) {
      let kept = 0;
      for (let w of partials) {
        if (Math.abs(v) < Math.abs(w)) [v, w] = [w, v];
        const high = v + w;
        const low = w - (high - v);
        if (low !== 0) partials[kept++] = low;
        v = high;
      }
      partials.length = kept;
      partials.push(v);
    }
    return partials.reduceRight((s, p) => s + p, 0);
  };
  /** The unit in the last place of x (subnormals' included). */
  const ulp = (x: number) => {
    const a = Math.abs(x);
    if (a < 2 ** -1021) return 2 ** -1074;
    const e = Math.floor(Math.log2(a));
    return 2 ** ((2 ** e > a ? e - 1 : 2 ** (e + 1) <= a ? e + 1 : e) - 52);
  };
  /** How many units of the exact sum's last place each of the eight sums is off. */
  const errors = (sums: ArrayLike<number>, y: Float64Array) => Array.from(sums, (s, j) => {
    const reference = exact(signed(y, j));
    return Math.abs(s - reference) / ulp(reference);
  });
  const samples = [false, true, false, true, false].map(sample);
  // the last two entries' zeros come in both signs, beside negative values and beside positive ones:
  // Math.max and Math.min keep other zeros than comparisons do there
  samples.forEach((y, k) => [y[N - 2], y[N - 1]] = [[-0, 0, -1, -0, -2][k]!, [0, -0, 1, 0, 2][k]!]);

  test('give each of the eight signed sums within 2 units of the exact sum\'s last place, one bucket array for every sample; and each entry\'s range, as Math.max and Math.min keep it', () => {
    const [high, low] = [new Float64Array(samples[0]!), new Float64Array(samples[0]!)];
    const [highest, lowest] = [new Float64Array(samples[0]!), new Float64Array(samples[0]!)];
    const buckets = { sum: new Float64Array(256), lost: new Float64Array(256) };
    let plainWorst = 0;
    for (const y of samples) {
      sumsByPattern(y, signs, buckets, high, low);
      expect(Math.max(...errors(signedSums(buckets), y))).toBeLessThanOrEqual(2);
      // the twin: the same buckets summed plainly, and combined plainly, are off by far more
      const plain = new Float64Array(256);
      y.forEach((v, i) => (plain[signs[i]!]! += v));
      const plainSums = Array.from({ length: 8 }, (_, j) => plain.reduce((s, b, p) => s + ((p >> j) & 1 ? -b : b), 0));
      plainWorst = Math.max(plainWorst, ...errors(plainSums, y));
      for (let i = 0; i < N; i++) [highest[i], lowest[i]] = [Math.max(highest[i]!, y[i]!), Math.min(lowest[i]!, y[i]!)];
    }
    expect(plainWorst).toBeGreaterThan(1e6);
    const ranges = (h: Float64Array, l: Float64Array) => h.map((v, i) => v - l[i]!);
    const [got, expected] = [ranges(high, low), ranges(highest, lowest)];
    expect(got.every((r, i) => Object.is(r, expected[i]))).toBe(true);
    // the twin: Math.max keeps +0 over −0, comparisons the first zero seen — the highs differ, their ranges do not
    expect([high[N - 2], highest[N - 2], low[N - 1], lowest[N - 1]].map((v) => Object.is(v, -0))).toEqual([true, false, false, true]);
    // and a range that missed the samples after the first at one entry differs
    const missed = new Float64Array(highest);
    missed[N - 1] = samples[0]![N - 1]!;
    expect(ranges(missed, lowest).every((r, i) => Object.is(r, expected[i]))).toBe(false);
  });

  test('Σ|y_i| in entry order', () => {
    const y = samples[0]!;
    expect(sizeOfTerms(y)).toBe(y.reduce((s, v) => s + Math.abs(v), 0));
    // the twin: summed from the last entry down, it differs in some bit
    expect(y.reduceRight((s, v) => s + Math.abs(v), 0)).not.toBe(sizeOfTerms(y));
  });
});
