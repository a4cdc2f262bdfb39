/**
 * How noisy is a forward? Its values along a short line through the input, φ(t) = ⟨v, f(x + t·d)⟩,
 * are a smooth curve plus the forward's rounding. A polynomial through them leaves the rounding
 * as residuals, and their scatter, relative to the size of φ's terms Σ|v_i·y_i|, is the precision
 * the forward really computes to — whatever its array type says. A float64 computation leaves
 * about 1e-16; a float32 one (TensorFlow.js, Math.fround) about 1e-8; a float64 array filled by
 * float32-accurate kernels (@jax-js/jax) or a formula that cancels (tanh as (e^{2x} − 1)/(e^{2x} + 1)
 * near 0) as much as its worst step loses. An exact computation (2x on float32-representable
 * inputs, moved by exact float64 steps) leaves nothing at all, and is not mistaken for float32.
 *
 * The reading is made on a few samples at the float64 check's own steps (±2^-7 … ±2^-10 of each
 * entry), so a kink or strong curvature within them also leaves residuals: 'noisy' is certain
 * evidence only where the values are float32 values anyway. The statistical check measures the
 * noise it judges by on its own, far more samples.
 */
import type { Rng } from '../tensor/index.js';
import { prepare } from './least-squares.js';
import { Spares } from './spares.js';

/** What the samples say about the forward's rounding. */
export interface NoiseReading {
  /** Standard deviation of φ about the fitted curve (absolute). */
  noise: number;
  /** The same, relative to the size of φ's terms: the precision the forward computes to. */
  relative: number;
  /**
   * Whether φ moved far enough over the samples for float32 rounding to show as noise: a forward
   * that hardly moves (a dead relu, a saturated tanh) rounds to the same value everywhere and
   * shows none, whatever its arithmetic.
   */
  moved: boolean;
  /** How far φ moved over the samples (summed over the series read): against its noise, how many treads of a staircase they span. */
  range: number;
  /** Degrees of freedom of the noise estimate. */
  dof: number;
  /**
   * Standard deviation of φ about a curve of degree 6 (absolute; NaN where too few samples): the
   * curvature a quartic leaves at the check's larger steps is gone (a float64 tanh on 8 entries
   * read 100–960 units of float64's last place about the quartic, 2.5–4.8 about this curve) and
   * what is left is rounding alone — what finite differences may believe (see measuredRounding).
   */
  unbent: number;
}

/**
 * φ must move by this much of the size of its terms (about 4,000 float32 units in the last place)
 * for its rounding to be independent from sample to sample.
 */
const MOVED = 2 ** -12;

/** Degree of the curve through the samples: at steps of 1% of an entry, the quintic term is below 1e-12 of φ. */
const DEGREE = 4;

/** Degree of the curve that leaves rounding alone (see NoiseReading.unbent): at steps of 1% of an entry, the term of degree 7 is below float64's rounding. */
const UNBENT = 6;

/**
 * Read the noise off samples φ(t_k) (t = 0 included, any spacing): the residuals of a polynomial
 * of degree 4 in t, scaled to the largest |t|. `size` is Σ|v_i·y_i| at the input. Several series
 * (one per output entry, read with a cotangent of random signs in mind) pool their residuals: the
 * noise of ⟨v, f⟩ for such a v, without choosing one.
 */
export function readNoise(t: ArrayLike<number>, phi: ArrayLike<number> | readonly ArrayLike<number>[], size: number): NoiseReading {
  const series: ArrayLike<number>[] = typeof phi[0] === 'number' ? [phi as ArrayLike<number>] : [...(phi as readonly ArrayLike<number>[])];
  const n = t.length;
  if (series.some((s) => s.length !== n) || n < DEGREE + 3) {
    throw new RangeError(`readNoise: at least ${DEGREE + 3} samples of t and φ alike, got ${n} and ${series.map((s) => s.length).join(', ')}`);
  }
  return readingOf(pooled(t, series.length, (i, into) => into.set(series[i]!)), size);
}

/**
 * Σ|y_i|: the size of the terms of ⟨v, y⟩ for a cotangent v of random signs, which a reading's
 * noise is relative to. A plain loop: reduce's callback per entry cost 20 ms at 10⁶ entries.
 */
export function sizeOfTerms(y: Float64Array): number {
  let size = 0;
  for (let i = 0; i < y.length; i++) size += Math.abs(y[i]!);
  return size;
}

/**
 * The same, the series given by step: rows[k] holds every series' value at t_k — the forward's
 * outputs as sampled, read without a series built per output entry.
 */
export function readNoiseByStep(t: ArrayLike<number>, rows: readonly ArrayLike<number>[], size: number): NoiseReading {
  checkRows(t, rows);
  return readingOf(pooled(t, rows[0]!.length, (i, into) => {
    for (let k = 0; k < t.length; k++) into[k] = rows[k]![i]!;
  }), size);
}

/**
 * Random-sign cotangents a large output's noise is read on, one bit each of a byte an entry: 8
 * series of 4 (quartic) and 2 (sextic) degrees of freedom. They read a float64 tanh's noise beyond
 * curvature at 10⁵ entries at 1.4–7.8 units of float64's last place per unit of the values over
 * seeds 1–8 (every entry's series pooled: 3.7–3.8), a compensated running sum at 1.5–5.7; four
 * projections read 1.0–5.1 and 1.1–10.1, too near the 16 that measuredRounding believes.
 */
const PROJECTIONS = 8;

/**
 * The same reading of a large output, taken sample by sample as the forward is evaluated (none of
 * them held: the first probe's samples are projected on the probes' cotangents too, and let go), off
 * projections ⟨v, f(t_k)⟩ on PROJECTIONS cotangents v of random signs (drawn from `rng`) — a
 * few compensated sums a sample instead of two fits per output entry. The reading means what the
 * pooled one does: the noise of ⟨v, f⟩ for a random-sign v. Pooled, each entry's residual
 * variance σ_i² adds up to Σσ_i², which is var⟨v, e⟩ = Σ v_i²σ_i² for v_i = ±1 and residuals e
 * independent between entries — and a projection's residuals are Σ v_i e_i, whose variance is
 * that sum, so the mean of the projections' variances estimates it (curvature alike: E(Σ v_i c_i)²
 * = Σ c_i²), and its size Σ|v_i y_i| is Σ|y_i| for every v. Where entries' roundings are
 * correlated (a shared normaliser) the projection reads the noise of ⟨v, f⟩ itself, which the
 * pooled reading only approximates. The sums are compensated (Neumaier): a plain float64 sum of
 * n terms rounds about √n times more than its terms do, and would be read as the forward's own
 * noise (a float64 tanh at 10⁵ entries: 54–124 units, believed as a long sum's). How far the
 * forward moved (`range`, `moved`) is each entry's, summed, as pooled: each entry's highest and
 * lowest value so far are all that is kept of the samples.
 */
export class ProjectedNoise {
  private readonly signs: Uint8Array;
  private readonly steps: number[] = [];
  private readonly projected: Float64Array[] = [];
  private high?: Float64Array;
  private low?: Float64Array;
  private readonly buckets = { sum: new Float64Array(PATTERNS), lost: new Float64Array(PATTERNS) };

  /** @param spares where the highs and lows are kept (see reading): the check's, for memory it has touched. */
  constructor(rng: Rng, private readonly count: number, private readonly spares = new Spares()) {
    this.signs = randomSigns(rng, count);
  }

  /** The forward's output y at step t (t = 0: the output itself). */
  add(t: number, y: Float64Array): void {
    if (y.length !== this.count) throw new RangeError(`readNoise: a sample of ${this.count} entries, as the output, got ${y.length}`);
    if (!this.high || !this.low) {
      this.high = this.spares.take(y.length);
      this.low = this.spares.take(y.length);
      this.high.set(y);
      this.low.set(y);
    }
    sumsByPattern(y, this.signs, this.buckets, this.high, this.low);
    this.steps.push(t);
    this.projected.push(signedSums(this.buckets));
  }

  /** The reading of the samples added, `size` being Σ|y_i| at the input: the last word, after which the highs and lows go back to the spares. */
  reading(size: number): NoiseReading {
    const n = this.steps.length;
    if (n < DEGREE + 3) throw new RangeError(`readNoise: at least ${DEGREE + 3} samples, got ${n}`);
    const { high, low, projected } = this;
    let range = 0;
    for (let i = 0; i < this.count; i++) range += high![i]! - low![i]!;
    // let go as well as given back: the spares may detach them, and nothing here reads them again
    this.spares.give([high!, low!]);
    this.high = this.low = undefined;
    const fits = pooled(this.steps, PROJECTIONS, (j, into) => projected.forEach((p, k) => (into[k] = p[j]!)));
    return readingOf({ ...fits, variance: fits.variance / PROJECTIONS, unbentVariance: fits.unbentVariance / PROJECTIONS, range }, size);
  }
}

/** PROJECTIONS signs for each of `length` entries: bit j of byte i set where cotangent j is −1 at entry i. */
function randomSigns(rng: Rng, length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(rng.next() * 2 ** 32);
  return new Uint8Array(words.buffer, 0, length);
}

/** The sign patterns an entry's byte can hold: one bucket each. */
const PATTERNS = 2 ** PROJECTIONS;

/** Σ y_i by sign pattern p, compensated: sum[p] and what rounding lost in it, lost[p]. */
export interface PatternSums {
  sum: Float64Array;
  lost: Float64Array;
}

/**
 * Each sign pattern's Σ y_i over the entries that hold it, compensated (Neumaier), into buckets,
 * and each entry's highest and lowest value so far moved out to y's. One compensated addition an
 * entry where the PROJECTIONS signed sums took eight (see signedSums): the buckets (4 kB) stay in
 * the first level of cache, and an addition waits on the one before it only where neighbouring
 * entries share a pattern, 1 in 256. Per sample of 10⁶ entries (CPU, machine loaded, in-process
 * A/B): 6–7 ms against 14 ms for two passes of four sequential chains. Sums and losses in arrays of
 * their own were 0.5–1 ms faster than interleaved in one, and what rounding lost written out about
 * 2 ms faster than a function's.
 *
 * The range moves by comparisons, not Math.max and Math.min (three times slower here): they differ
 * only on −0 against +0, which leaves every high − low the same, and on NaN, which a sample never
 * holds (a forward that returns one is undefined there, see GuardedTarget.tryForward). high ≥ low
 * throughout, so a value above high is not below low.
 */
export function sumsByPattern(y: Float64Array, signs: Uint8Array, buckets: PatternSums, high: Float64Array, low: Float64Array): void {
  const { sum: sums, lost } = buckets;
  sums.fill(0);
  lost.fill(0);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const p = signs[i]!;
    const sum = sums[p]!;
    const total = sum + v;
    lost[p]! += Math.abs(sum) >= Math.abs(v) ? sum - total + v : v - total + sum;
    sums[p] = total;
    if (v > high[i]!) high[i] = v;
    else if (v < low[i]!) low[i] = v;
  }
}

/**
 * Σ ±y_i for each sign vector j (bit j of an entry's byte set: −) off the sums by pattern: Σ_p ±B_p,
 * the buckets' sums added compensated and what their own rounding lost alongside. Not the bits a
 * compensated pass of its own over the entries gives (the terms are added in another order), but as
 * near the exact Σ ±y_i: within 2 units of its last place where Σ|y_i| is up to 2^40 times the sum
 * (see noise.test.ts). Where it is far larger still (values 2^50 and more cancelling in pairs),
 * what compensation keeps rounds too, in a sequential chain as here: over 20 seeds of such samples
 * the worst sum was 792 units off here, 20,168 in the chain.
 */
export function signedSums({ sum: bucket, lost: bucketLost }: PatternSums): Float64Array {
  const sums = new Float64Array(PROJECTIONS);
  for (let j = 0; j < PROJECTIONS; j++) {
    let sum = 0;
    let lost = 0;
    for (let p = 0; p < PATTERNS; p++) {
      const sign = (p >>> j) & 1 ? -1 : 1;
      const x = sign * bucket[p]!;
      const total = sum + x;
      lost += (Math.abs(sum) >= Math.abs(x) ? sum - total + x : x - total + sum) + sign * bucketLost[p]!;
      sum = total;
    }
    sums[j] = sum + lost;
  }
  return sums;
}

function checkRows(t: ArrayLike<number>, rows: readonly ArrayLike<number>[]): void {
  const n = t.length;
  const count = rows[0]?.length ?? 0;
  if (rows.length !== n || rows.some((r) => r.length !== count) || n < DEGREE + 3) {
    throw new RangeError(`readNoise: at least ${DEGREE + 3} samples of t and φ alike, got ${n} steps and ${rows.length} rows of ${rows.map((r) => r.length).join(', ')}`);
  }
}

/** What fitting series leaves: Σ over them of each fit's residual variance (the quartic's, the sextic's: NaN where too few samples) and of their ranges. */
interface Fits {
  variance: number;
  unbentVariance: number;
  range: number;
  dof: number;
}

/** The fits of `count` series, series i written into a buffer by fill(i, into). */
function pooled(t: ArrayLike<number>, count: number, fill: (i: number, into: Float64Array) => void): Fits {
  const span = Math.max(...Array.from(t, Math.abs));
  const xi = Float64Array.from(t, (v) => v / span);
  // the quartic's columns lead the sextic's: one factorisation and one reduction a series give both fits
  const unbent = t.length > UNBENT + 1;
  const design = prepare(Array.from({ length: (unbent ? UNBENT : DEGREE) + 1 }, (_, p) => xi.map((x) => x ** p)));
  const leading = unbent ? [DEGREE + 1, UNBENT + 1] : [DEGREE + 1];
  const rss = new Float64Array(leading.length);
  const s = new Float64Array(t.length);
  const dof = t.length - DEGREE - 1;
  let variance = 0;
  let unbentVariance = unbent ? 0 : NaN;
  let range = 0;
  for (let i = 0; i < count; i++) {
    fill(i, s);
    design.nestedRss(s, leading, rss);
    variance += rss[0]! / dof;
    if (unbent) unbentVariance += rss[1]! / (t.length - UNBENT - 1);
    let high = -Infinity;
    let low = Infinity;
    for (const y of s) {
      high = Math.max(high, y);
      low = Math.min(low, y);
    }
    range += high - low;
  }
  return { variance, unbentVariance, range, dof };
}

/** The reading fits give, against the size of φ's terms. */
function readingOf({ variance, unbentVariance, range, dof }: Fits, size: number): NoiseReading {
  const noise = Math.sqrt(variance);
  return { noise, relative: size > 0 ? noise / size : noise > 0 ? Infinity : 0, moved: range >= MOVED * size, range, dof, unbent: Math.sqrt(unbentVariance) };
}

/** The precision of each arithmetic: the relative noise its rounding leaves, at most. */
const ROUNDING = { float64: 2 ** -53, float32: 2 ** -24 } as const;

/**
 * Relative noise above this is not float64 rounding: 2^-36 is 2^17 times float64's unit and 2^12
 * times below float32's, so neither is mistaken for the other. Between the two (a float64 forward
 * whose small output comes from large intermediates) the statistical check, which reads the noise
 * off the samples, judges better than a tolerance that assumes float64's.
 */
export const NOISY = 2 ** -36;

/**
 * What the noise says of a forward: 'noisy' when float64 rounding cannot explain it (a float32
 * computation, or a float64 one that loses digits), 'quiet' when it moved and stayed within
 * float64 rounding, undefined when it did not move (its values must tell, see options.ts).
 */
export function judgeNoise(reading: NoiseReading): 'noisy' | 'quiet' | undefined {
  if (reading.relative > NOISY) return 'noisy';
  return reading.moved ? 'quiet' : undefined;
}

/**
 * The unit roundoff a check of this forward budgets for: its arithmetic's, or the measured noise
 * where the forward is noisier still (a vjp written by the same hand is unlikely to be better).
 */
export function effectiveRounding(arithmetic: 'float64' | 'float32', reading?: NoiseReading): number {
  return Math.max(ROUNDING[arithmetic], Number.isFinite(reading?.relative) ? reading!.relative : 0);
}

/**
 * Noise beyond this share of the values is no arithmetic's rounding (bfloat16, the coarsest in
 * use, rounds to 2^-9): it is an oscillation faster than the steps (sin(10¹²·x)), which samples
 * cannot tell from noise and no statistics on them can stand in for.
 */
export const ROUNDING_LIKE = 2 ** -8;

/**
 * The reading's noise beyond curvature (NoiseReading.unbent) per unit of the values'
 * root-sum-square: each value's share of it, in proportion to its size, whatever the output's
 * shape — an elementwise forward's entries each round by their own last place, a sum of n terms by
 * about √n of them. 0 where nothing was read, or where what was read is more than float64 rounding
 * accumulates (see NOISY): a forward that noisy gets a statistical second opinion instead (see
 * checkGradients), or within a few roundings (see MANY_ROUNDINGS). Curvature read as noise, or a
 * short sum's rounding believed 3σ wide, would loosen every tolerance it reaches (a float64 MLP's
 * single entry 1e-9 off was caught in 6 and 9 of 20 checks, against 15 of 20).
 */
export function measuredRounding(reading: NoiseReading | undefined, values: ArrayLike<number>): number {
  if (reading === undefined || !(reading.relative <= NOISY)) return 0;
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  if (largest === 0 || !Number.isFinite(largest)) return 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! / largest) ** 2;
  const perUnit = reading.unbent / largest / Math.sqrt(squares);
  return perUnit > MANY_ROUNDINGS ? perUnit : 0;
}

/**
 * Noise per unit of the values beyond this is a long sum's (of some hundreds of terms and more):
 * below it, a few roundings, which the staircase that finite differences read shows as they are
 * (a float64 tanh, softmax or MLP reads 1–5 units of float64's last place), and believing them
 * 3σ wide loosens the tolerance for nothing.
 */
const MANY_ROUNDINGS = 16 * 2 ** -53;

/** Noisy, and no more than rounding makes: what a statistical judgement can stand on. */
export function isRoundingNoise(reading: NoiseReading | undefined): boolean {
  return reading !== undefined && judgeNoise(reading) === 'noisy' && reading.relative <= ROUNDING_LIKE;
}
