/**
 * One statistical probe of a target, for arithmetic too noisy for a fixed tolerance (float32):
 * random-sign cotangents v, a direction u along the first gradient's signs (so that ⟨g, u⟩ =
 * Σ|g_j u_j| carries every entry's error at full strength) with a power of two below each
 * tensor's root-mean-square for its size, samples φ(t) = ⟨v, f(x + Δ(t))⟩ on windows [−T, T]
 * that halve until polynomials describe R(t) = φ(t) − ⟨g, Δ(t)⟩ (see statistical.ts), and a
 * significance test per cotangent and quantity (vjp, jvp). Δ(t) is the input change the target
 * really sees: moved inputs are rounded to its arithmetic first. statistical-check.ts makes
 * checkGradients' comparisons of it.
 */
import { Rng, Tensor } from '../tensor/index.js';
import { ROUNDING_LIKE } from './noise.js';
import { type Misfit, type SlopeEstimate, fitWindow, jitteredPositions } from './statistical.js';
import { type InputSpace, absDot, dot, productSizes } from './space.js';
import type { GuardedTarget } from './target.js';

export interface ProbeSettings {
  /** Rounds a moved input to the arithmetic the target computes in (Math.fround for float32). */
  round: (x: number) => number;
  /** Unit roundoff the vjp's own rounding is allowed for (the arithmetic's, or the forward's measured noise). */
  eps: number;
  /**
   * The arithmetic's own unit roundoff: where `eps` is a noise measured before the probe, the
   * allowance is at most what each window's samples measure, and at least this (see judge).
   */
  rounding: number;
  /** Mantissa bits of the outputs' format: their last place is the floor of φ's noise. */
  mantissaBits: number;
  /** A disagreement this many standard errors beyond the allowance fails. */
  threshold: number;
  /** The first window's half-width T, in units of each entry's scale; later windows halve it. */
  firstHalfWidth: number;
  halvings: number;
  /** M: a window is sampled at t = k·T/M, k = −M…M. */
  samplesPerSide: number;
  /** Random-sign cotangents per probe (one for a scalar output). */
  cotangents: number;
  /** The vjp's own rounding allowed for: this many eps times Σ|g_j u_j| (measured up to 5 on the float32 corpus). */
  allowance: number;
  /** Forward evaluations the probe may spend, looking again at an ambiguous window included. */
  budget: number;
  /** A failure read on the grid stands only if a jittered window reads it, with its sign, this many standard errors beyond the allowance too (see offGrid). */
  confirmation: number;
  /** Seeds the jittered windows' places (the check's seed): a probe that never fails on the grid draws none. */
  seed: number;
}

export const DEFAULT_PROBE: ProbeSettings = {
  round: Math.fround,
  eps: 2 ** -24,
  rounding: 2 ** -24,
  mantissaBits: 23,
  threshold: 6,
  firstHalfWidth: 1 / 4,
  halvings: 5,
  samplesPerSide: 24,
  cotangents: 2,
  allowance: 16,
  budget: 200,
  confirmation: 2,
  seed: 0,
};

export type ProbeVerdict = 'agree' | 'fail' | 'nonsmooth' | 'inconclusive';

/** One quantity judged along the probe, for one cotangent. */
export interface ProbeComparison {
  quantity: 'vjp' | 'jvp';
  /** Which of the probe's cotangents. */
  cotangent: number;
  /** The analytic derivative along the direction: ⟨g, u⟩ or ⟨v, J u⟩. */
  analytic: number;
  /** The analytic value plus the slope of R: what the samples say the derivative is. */
  numeric: number;
  /** Σ of the absolute terms of the analytic value: what its rounding scales with. */
  scale: number;
  /** The slope's disagreement allowed for the analytic value's own rounding (see judge). */
  allowance: number;
  /** The window's estimate, when one described R. */
  estimate?: SlopeEstimate;
  /** Why none did, when none did. */
  misfit?: Misfit;
  /**
   * Set where the samples disagreed but scatter by more than any arithmetic's rounding makes: their
   * scatter relative to the size of φ's terms (see ROUNDING_LIKE). The verdict is then inconclusive.
   */
  scatter?: number;
  /**
   * Set where the grid's window read a failure that a jittered window at the same half-width did
   * not reproduce: the grid's z. The comparison is then the jittered window's reading (see offGrid).
   */
  offGrid?: number;
  /** The disagreement beyond the allowance, in standard errors. */
  z: number;
  verdict: ProbeVerdict;
}

export interface ProbeResult {
  comparisons: ProbeComparison[];
  direction: Float64Array;
  cotangents: Float64Array[];
  gradients: Float64Array[];
  /** Windows sampled. */
  windows: number;
}

/** One point of the line, per cotangent c. */
interface Sample {
  /** φ_c(t) = ⟨v_c, f(x + Δ(t))⟩, summed in float64. */
  phi: Float64Array;
  /** ⟨g_c, Δ(t)⟩: what a correct gradient predicts φ_c moved by, to first order. */
  along: Float64Array;
  /** Σ v_i² ulp(y_i)² / 12: the variance rounding each output to its format adds to φ_c at least. */
  quantisation: Float64Array;
  /** Σ|v_i y_i|: the size of φ_c's terms, which its rounding scales with. */
  size: Float64Array;
  /** √Σ(v_i y_i)²: what the terms' own roundings, each a share of its term, add up to in φ_c. */
  spread: Float64Array;
}

/** The spacing of a format's values at x. */
export function ulpOf(x: number, mantissaBits: number): number {
  return x === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - mantissaBits);
}

/** A power of two at or below each differentiable tensor's root-mean-square, per entry. */
export function tensorScales(space: InputSpace): Float64Array {
  const scale = new Float64Array(space.size);
  space.differentiable.forEach((k, slot) => {
    const data = space.inputs[k]!.data;
    const rms = Math.sqrt(data.reduce((s, x) => s + x * x, 0) / Math.max(1, data.length));
    const s = rms > 0 && Number.isFinite(rms) ? 2 ** Math.floor(Math.log2(rms)) : 1;
    scale.fill(s, space.offsets[slot]!, space.offsets[slot]! + data.length);
  });
  return scale;
}

/** A probe with random-sign cotangents and a direction along the first gradient's signs. */
export function statisticalProbe(target: GuardedTarget, space: InputSpace, output: Tensor, rng: Rng, settings: ProbeSettings = DEFAULT_PROBE): ProbeResult {
  // a scalar output has one cotangent up to its sign: more would repeat the same test
  const cotangents = Array.from({ length: output.size === 1 ? 1 : settings.cotangents }, () => Float64Array.from({ length: output.size }, () => (rng.next() < 0.5 ? -1 : 1)));
  const gradients = cotangents.map((v) => space.join(target.vjp(space.inputs, new Tensor(v, output.shape), space.differentiable)));
  const scale = tensorScales(space);
  const g1 = gradients[0]!;
  // an entry whose gradient is 0 gets a random sign: a wrong 0 must move φ too. Lengths vary
  // randomly around the scale: with equal ones, an error that is a constant times the cotangent
  // (a bias added to the derivative) cancels between entries whose derivatives differ in sign
  const direction = scale.map((s, j) => s * (0.5 + rng.next()) * (g1[j]! > 0 ? 1 : g1[j]! < 0 ? -1 : rng.next() < 0.5 ? -1 : 1));
  return probeAlong(target, space, output, direction, cotangents, gradients, settings);
}

/** The probe along a given direction (a part of one, when localising), with given cotangents and their gradients. */
export function probeAlong(
  target: GuardedTarget,
  space: InputSpace,
  output: Tensor,
  direction: Float64Array,
  cotangents: Float64Array[],
  gradients: Float64Array[],
  settings: ProbeSettings,
): ProbeResult {
  const jvp = target.target.jvp ? target.jvp(space.inputs, space.split(direction), output.shape).data : undefined;
  const samples = new Map<number, Sample | null>();
  const sample = (t: number): Sample | null => {
    const cached = samples.get(t);
    if (cached !== undefined) return cached;
    const moved = [...space.inputs];
    const delta = new Float64Array(space.size);
    space.differentiable.forEach((k, slot) => {
      const x = space.inputs[k]!;
      const offset = space.offsets[slot]!;
      const data = new Float64Array(x.size);
      for (let i = 0; i < x.size; i++) {
        const d = direction[offset + i]!;
        data[i] = d === 0 ? x.data[i]! : settings.round(x.data[i]! + t * d);
        delta[offset + i] = data[i]! - x.data[i]!;
      }
      moved[k] = new Tensor(data, x.shape);
    });
    const y = t === 0 ? output.data : target.tryForwardLent(moved, output.size);
    if (!y) {
      // outside the forward's domain (it threw, or was not finite): a smaller window may fit inside
      samples.set(t, null);
      return null;
    }
    const s: Sample = {
      phi: Float64Array.from(cotangents, (v) => dot(v, y)),
      along: Float64Array.from(gradients, (g) => dot(g, delta)),
      quantisation: Float64Array.from(cotangents, (v) => {
        let q = 0;
        for (let i = 0; i < y.length; i++) q += (v[i]! * ulpOf(y[i]!, settings.mantissaBits)) ** 2;
        return q / 12;
      }),
      ...sizesOf(cotangents, y),
    };
    samples.set(t, s);
    return s;
  };
  // a forward that does not move at all may be rounding at the scale of its inputs: its noise cannot be read
  const largest = space.largest;
  const flatFloor = cotangents.map((v) => v.reduce((q, vi, i) => q + (vi * ulpOf(Math.max(Math.abs(output.data[i]!), largest), settings.mantissaBits)) ** 2, 0) / 12);
  const m = settings.samplesPerSide;
  /** What one cotangent's samples of a window say: R, its floor of variance, and how far φ moved. */
  const reading = (window: Sample[], c: number) => {
    const residuals = Float64Array.from(window, (s) => s.phi[c]! - s.along[c]!);
    const flat = window.every((s) => s.phi[c] === window[0]!.phi[c]);
    const rounding = Math.max(...window.map((s) => s.quantisation[c]!));
    const quantisation = Math.max(rounding, flat ? flatFloor[c]! : 0);
    const phis = window.map((s) => s.phi[c]!);
    const movement: Movement = { range: Math.max(...phis) - Math.min(...phis), quantum: Math.sqrt(12 * rounding), size: Math.max(...window.map((s) => s.size[c]!)), spread: Math.max(...window.map((s) => s.spread[c]!)) };
    return { residuals, quantisation, movement };
  };
  let jitter: Rng | undefined;
  // samples taken off the grid: not counted against the budget, which the grid's windows spend as they would without them
  let offGridSamples = 0;
  /**
   * A grid window's failure seen again on a jittered window of the same half-width: a regular grid
   * aliases with a forward whose rounding is a staircase (a cancelling tanh near 0), and reads a
   * slope there beyond 6 standard errors in about 2% of windows; jittered places read it in none
   * of 10⁴, and their z is about standard normal there. Their error bar is wider than the grid's —
   * up to twice on float32 targets (the float32 tanh with one entry 1e-5 off: 9.0e-7 against
   * 5.1e-7), so a real error the grid reads 6 standard errors off reads about 3 off the grid.
   * `confirmation` = 2 reproduces it (3 lost 2 of 200 catches in the detection bench's borderline
   * cells), and reproduces a staircase's spurious slope in only 2.3% of the windows that alias.
   * Where the jittered window reproduces the failure (the same sign, beyond `confirmation`), the
   * grid's reading stands; where it does not, the jittered reading replaces it. A jittered window
   * that no model describes, or that reaches outside the forward's domain, confirms nothing and
   * refutes nothing: the grid's reading stands.
   */
  const offGrid = (c: number, judged: ProbeComparison[], halfWidth: number): ProbeComparison[] => {
    const positions = jitteredPositions(m, (jitter ??= new Rng(settings.seed)));
    const before = samples.size;
    const points = Array.from(positions, (p) => sample((p * halfWidth) / m));
    offGridSamples += samples.size - before;
    if (points.includes(null)) return judged;
    const { residuals, quantisation, movement } = reading(points as Sample[], c);
    const fit = fitWindow({ halfWidth, positions, residuals, quantisation });
    if (!fit.adequate) return judged;
    const jittered = judgeAll(c, fit.estimate, undefined, movement);
    return judged.map((grid, i) => {
      const again = jittered[i]!;
      const sameSign = Math.sign(again.numeric - again.analytic) === Math.sign(grid.numeric - grid.analytic);
      const reproduced = sameSign && (again.verdict === 'fail' || (again.verdict === 'agree' && again.z > settings.confirmation));
      return grid.verdict !== 'fail' || reproduced ? grid : { ...again, offGrid: grid.z };
    });
  };
  const pending = new Set(cotangents.map((_, c) => c));
  const results = new Map<number, ProbeComparison[]>();
  const judgeAll = (c: number, estimate: SlopeEstimate | undefined, misfit?: Misfit, movement?: Movement): ProbeComparison[] => {
    const v = cotangents[c]!;
    const g = gradients[c]!;
    const vjpValue = dot(g, direction);
    const out = [judge('vjp', c, vjpValue, absDot(g, direction), estimate, misfit, movement, settings)];
    if (jvp) {
      const jvpValue = dot(v, jvp);
      // R for the jvp differs from the vjp's by t·(⟨g, u⟩ − ⟨v, Ju⟩): a shift of the slope alone
      const shifted = estimate && { ...estimate, slope: estimate.slope + vjpValue - jvpValue };
      out.push(judge('jvp', c, jvpValue, absDot(v, jvp), shifted, misfit, movement, settings));
    }
    return out;
  };
  // a failure or a kink at 0 is believed when the next window sees it too
  const candidates = new Map<number, ProbeComparison[]>();
  let halfWidth = settings.firstHalfWidth;
  let windows = 0;
  for (let w = 0; w <= settings.halvings && pending.size > 0; w++, halfWidth /= 2) {
    windows++;
    const points = Array.from({ length: 2 * m + 1 }, (_, i) => sample(((i - m) * halfWidth) / m));
    if (points.includes(null)) {
      for (const c of pending) if (!candidates.has(c)) results.set(c, judgeAll(c, undefined, { autocorrelation: NaN, topTerm: NaN, kink: NaN, outside: true }));
      continue;
    }
    const window = points as Sample[];
    for (const c of [...pending]) {
      const { residuals, quantisation, movement } = reading(window, c);
      const fit = fitWindow({ halfWidth, residuals, quantisation });
      if (!fit.adequate) {
        if (!candidates.has(c)) results.set(c, judgeAll(c, undefined, fit.misfit));
        continue;
      }
      let judged = judgeAll(c, fit.estimate, undefined, movement);
      const candidate = candidates.get(c);
      // an agreement near the threshold is looked at again with twice the samples, where the budget allows
      const ambiguous = judged.some((x) => x.verdict === 'agree' && x.z > settings.threshold / 3);
      if (!candidate && ambiguous && fit.estimate.hinges === 0 && samples.size - offGridSamples + 2 * m <= settings.budget) {
        const dense = Array.from({ length: 4 * m + 1 }, (_, i) => sample(((i - 2 * m) * halfWidth) / (2 * m)));
        const denseFit = dense.includes(null)
          ? fit
          : fitWindow({ halfWidth, residuals: Float64Array.from(dense as Sample[], (s) => s.phi[c]! - s.along[c]!), quantisation });
        if (denseFit.adequate) judged = judgeAll(c, denseFit.estimate, undefined, movement);
      }
      // a window cut at kinks inside it may hold more it could not see, and one whose samples scatter
      // beyond any rounding (a pole or jumps inside it) says nothing: smaller windows are cleaner
      const scattered = judged.some((x) => x.scatter !== undefined);
      if ((fit.estimate.hinges > 0 || (scattered && !candidate)) && w < settings.halvings) {
        if (!candidate) results.set(c, judged.map((x) => (x.verdict === 'fail' ? { ...x, verdict: 'inconclusive' } : x)));
        continue;
      }
      // a failure read for the first time (where no window before read one) is seen off the grid first
      if (judged.some((x) => x.verdict === 'fail') && !candidate?.some((x) => x.verdict === 'fail')) judged = offGrid(c, judged, halfWidth);
      if (candidate) {
        const seen = candidate.map((p, i) => confirm(p, judged[i]!, settings));
        // a kink at 0 that the next window reads as a failure leaves that failure to be confirmed in turn
        if (seen.some((x) => x === 'again')) candidates.set(c, judged);
        else {
          results.set(c, seen as ProbeComparison[]);
          pending.delete(c);
        }
      } else if (judged.some((x) => x.verdict === 'fail' || x.verdict === 'nonsmooth')) candidates.set(c, judged);
      else {
        results.set(c, judged);
        pending.delete(c);
      }
    }
  }
  for (const c of pending) {
    const candidate = candidates.get(c);
    if (candidate) results.set(c, candidate.map((p) => (p.verdict === 'fail' ? { ...p, verdict: 'inconclusive' } : p)));
  }
  const comparisons = cotangents.flatMap((_, c) => results.get(c)!);
  return { comparisons, direction, cotangents, gradients, windows };
}

/**
 * A window's verdict, seen again by the next (smaller) window: a failure must persist (the same
 * sign, half the significance, on samples that scatter no more than rounding — one that does not
 * is inconclusive, and says why where the next window's samples scattered beyond it), a kink at 0
 * too; 'again' when the next window sees a failure where this one saw a kink.
 */
function confirm(previous: ProbeComparison, next: ProbeComparison, settings: ProbeSettings): ProbeComparison | 'again' {
  const sameSign = Math.sign(next.numeric - next.analytic) === Math.sign(previous.numeric - previous.analytic);
  // (a window whose samples scatter beyond rounding confirms nothing)
  const persists = next.verdict === 'fail' || (next.verdict !== 'inconclusive' && next.z > settings.threshold / 2 && sameSign);
  if (previous.verdict === 'fail') return persists ? previous : { ...previous, verdict: 'inconclusive', ...(next.scatter ? { scatter: next.scatter } : {}) };
  if (previous.verdict === 'nonsmooth') return next.verdict === 'fail' ? 'again' : next;
  return previous;
}

/** How far φ moved across a window, the unit in the last place of its outputs there, and the largest size and spread of its terms. */
interface Movement {
  range: number;
  quantum: number;
  size: number;
  spread: number;
}

/** Each cotangent's Σ|v_i y_i| and √Σ(v_i y_i)² (see Sample). */
function sizesOf(cotangents: readonly Float64Array[], y: Float64Array): Pick<Sample, 'size' | 'spread'> {
  const sizes = cotangents.map((v) => productSizes(v, y));
  return { size: Float64Array.from(sizes, (s) => s.terms), spread: Float64Array.from(sizes, (s) => s.spread) };
}

/**
 * The slope's disagreement allowed for the analytic value's rounding: `said`, `allowance` times
 * eps times its scale — but where eps is a noise measured before the probe (a float64 forward
 * noisier than float64), no more than this window justifies. That noise was read on a few samples
 * at larger steps, where a kink or a bend leaves residuals too (a relu of a sum 0.02 from its kink
 * read 3e-3 of its values), and a vjp 1% off fits inside 16 times that; a forward that really is
 * that noisy scatters as much here (`scatter`, relative to the size of φ's terms). Or the samples
 * alias on its staircase (every one at the same offset within a tread, as an evenly spaced window
 * on a cancelling tanh can land: it scatters by a few units in its last place, the noise read
 * before by 1e8 of them), and its slope may be off by up to a tread across the window — √12 times
 * the noise read before (uniform rounding) over the window's width: the allowance keeps that much.
 */
function windowAllowance(said: number, settings: ProbeSettings, scale: number, scatter: number, movement: Movement, halfWidth: number): number {
  if (settings.eps <= settings.rounding || !(movement.size > 0)) return said;
  const scattered = settings.allowance * Math.max(settings.rounding, scatter) * scale;
  const aliased = (Math.sqrt(12) * settings.eps * movement.size) / (2 * halfWidth);
  return Math.min(said, Math.max(scattered, aliased));
}

/**
 * A forward that moves by fewer units in its last place than this across a window, where the
 * derivative also says it should, rounds to a few levels there (a softmax probability of 1e-7
 * added into a sum of 1, a softmax whose derivative along the probe nearly cancels): its rounding
 * is a staircase, not noise. A slope is then resolved only to what moves φ by this many levels
 * across the window: the error bar is floored there, and a derivative below it is one the check
 * cannot tell from 0 (a pass says so).
 */
const FEWEST_LEVELS = 16;

function judge(
  quantity: 'vjp' | 'jvp',
  cotangent: number,
  analytic: number,
  scale: number,
  fitted: SlopeEstimate | undefined,
  misfit: Misfit | undefined,
  movement: Movement | undefined,
  settings: ProbeSettings,
): ProbeComparison {
  const said = settings.allowance * settings.eps * scale;
  if (!fitted) return { quantity, cotangent, analytic, scale, allowance: said, numeric: NaN, ...(misfit ? { misfit } : {}), z: 0, verdict: 'inconclusive' };
  const levels = movement && Math.max(movement.range, Math.abs(analytic) * 2 * fitted.halfWidth) / movement.quantum;
  const staircase = levels !== undefined && levels < FEWEST_LEVELS ? (FEWEST_LEVELS * movement!.quantum) / (2 * fitted.halfWidth * settings.threshold) : 0;
  const estimate = { ...fitted, se: Math.max(fitted.se, staircase) };
  const scatter = movement && movement.size > 0 ? estimate.noise / movement.size : 0;
  const allowance = movement ? windowAllowance(said, settings, scale, scatter, movement, fitted.halfWidth) : said;
  const base = { quantity, cotangent, analytic, scale, allowance };
  const excess = Math.abs(estimate.slope) - allowance;
  const z = estimate.se > 0 ? excess / estimate.se : excess > 0 ? Infinity : 0;
  let verdict: ProbeVerdict;
  if (estimate.kinkSe > 0) {
    // one-sided slopes slope ∓ kink: the analytic value is between them when |slope| ≤ |kink|
    const outside = (Math.abs(estimate.slope) - Math.abs(estimate.kink) - allowance) / Math.hypot(estimate.se, estimate.kinkSe);
    verdict = outside > settings.threshold ? 'fail' : 'nonsmooth';
  } else verdict = z > settings.threshold ? 'fail' : 'agree'; // not significant: what the samples resolve is the tolerance
  // samples that really scatter beyond any arithmetic's rounding (not a floor under a flat
  // window's) may be an oscillation faster than the window (sin(10¹²·x)), a pole or a staircase of
  // treads narrower than it (floor(a / b), whose secant slope a / b's gradient, wrong there, agrees
  // with): their slope says nothing of the derivative at the input, and neither a disagreement
  // with it nor an agreement is evidence. Each value's share, not the sum's: n values' own
  // roundings add up to √n of one's, not n, and a staircase over many values passed for rounding
  const spread = movement && movement.spread > 0 ? fitted.spread / movement.spread : 0;
  if (spread > ROUNDING_LIKE) return { ...base, numeric: analytic + estimate.slope, estimate, z, verdict: 'inconclusive', scatter: spread };
  return { ...base, numeric: analytic + estimate.slope, estimate, z, verdict };
}
