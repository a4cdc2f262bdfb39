/**
 * The statistics of a noisy directional derivative. Along a probe, R(t) = φ(t) − ⟨g, Δ(t)⟩ is
 * sampled on a symmetric grid t = k·T/M, k = −M…M, where φ(t) = ⟨v, f(x + Δ(t))⟩ and Δ(t) is the
 * input change the target really saw: a correct gradient g leaves no linear term in R, a wrong one
 * leaves ⟨g_true − g, u⟩·t. R's linear coefficient is estimated by least squares with an error
 * bar read off the scatter of the samples — the forward's own rounding noise, whatever its
 * arithmetic — and judged by a significance test.
 *
 * On a symmetric grid the odd and even powers are orthogonal, so the slope's error bar is paid
 * only for the odd terms the window needs; the even ones carry R(0)'s rounding and the curvature.
 * A regular grid can alias, though, with a forward whose rounding is a staircase in its input (a
 * cancelling (e^{2x} − 1)/(e^{2x} + 1) near 0): its treads beat with the spacing into a slow
 * sawtooth the polynomials read as a slope. A disagreement is confirmed on a jittered window (see
 * jitteredPositions), which samples the staircase at independent phases — noise its error bar sees.
 */
import type { Rng } from '../tensor/index.js';
import { type Design, type Fit, prepare } from './least-squares.js';

/** R on one window: residuals[k + M] at t = positions[k + M]·halfWidth/M, by default the grid t = k·halfWidth/M. */
export interface WindowSamples {
  halfWidth: number;
  /** The samples' places in units of the grid's spacing halfWidth/M, increasing, 0 in the middle (see jitteredPositions). */
  positions?: Float64Array;
  residuals: Float64Array;
  /** A floor for the variance of each sample: the rounding of the outputs to their own format. */
  quantisation: number;
}

/** What a window says about the slope of R at 0, in units of t. */
export interface SlopeEstimate {
  /** The slope of R at 0: numeric minus analytic derivative (the mean of the one-sided ones at a kink). */
  slope: number;
  se: number;
  /** Half the jump of R's slope at 0 (right minus left) when the window has a kink at 0, with its error; else 0, 0. */
  kink: number;
  kinkSe: number;
  /** The noise of one sample of R (standard deviation), read off the residuals, at least the floor of the outputs' rounding. */
  noise: number;
  /** The residuals' own standard deviation, without that floor: how far the samples really scatter (0 on a flat window). */
  spread: number;
  /** The degree of the polynomial the slope was read with. */
  degree: number;
  /** Kinks inside the window (not at 0) whose far side was left out. */
  hinges: number;
  /** The samples the slope was read from (all 2M + 1 unless kinks cut the window). */
  samples: number;
  halfWidth: number;
}

/** Why no model describes a window, from the simplest one's point of view. */
export interface Misfit {
  /** Lag-1 autocorrelation of its residuals. */
  autocorrelation: number;
  /** Its highest odd or even term, in standard errors. */
  topTerm: number;
  /** The largest share of its residuals' variance a kink explains, in units of the noise variance. */
  kink: number;
  /** Set when the window reached outside the forward's domain (it threw, or was not finite there). */
  outside?: true;
}

export type WindowFit = { adequate: true; estimate: SlopeEstimate } | { adequate: false; misfit: Misfit };

/**
 * Polynomial degrees tried (even: an odd one would leave its top odd term untested). Degree 2,
 * the linear slope alone, is never tried: choosing it because the cubic term was not significant
 * would bias the slope by up to 2.3 of its own standard errors per standard error of the dropped
 * term, and a correct target would fail.
 */
const DEGREES = [4, 6, 8, 10, 12] as const;

/**
 * Residual autocorrelation above this means the residuals are not rounding noise: a kink inside
 * the window, curvature the polynomials miss, or a forward that moves by less than its rounding
 * per step (a staircase). Rounding noise gives 0 ± 1/√(2M+1): 0.35 is 2.4 standard deviations at M = 24.
 */
export const MAX_AUTOCORRELATION = 0.35;

/** A model's highest odd or even term this many standard errors from 0 says it needs more terms. */
export const TOP_TERM_LIMIT = 3;

/**
 * A kink (a ramp and a step in one gap between samples: a jump of the slope anywhere in the gap)
 * explaining this much of the residuals' variance, in units of the noise variance (χ² with 2
 * degrees of freedom), is real: under pure noise the largest over a window's gaps exceeds 30 about
 * once in 10⁴ windows.
 */
export const KINK_LIMIT = 20;

/** A kink at 0 is believed when its jump is this many standard errors from 0. */
const KINK_SIGNIFICANCE = 4;

/** Kinks a window may be cut at before it is given up for a smaller one. */
const MOST_KINKS = 3;

/** Samples a kink needs beyond it to be told from the window's edge. */
const KINK_MARGIN = 1;

/**
 * The slope of R at 0 from the model that describes the window with the smallest standard error:
 * a polynomial whose two highest terms are not needed, whose residuals look like noise and hold no
 * kink. Where the residuals hold a kink inside the window, the samples beyond it are left out — in
 * a network of relus the whole polynomial changes there, not only the slope. A kink at the input
 * itself is looked for in every region, whatever the residuals show (see kinkAtInput): a
 * polynomial across it, of a degree high enough to pass for a description of the window, has the
 * mean of the two slopes for its slope, and fails the derivative of either side (a relu's
 * pre-activation 1e-5 from 0 in a float32 MLP). The two slopes at 0 are then reported as a mean and
 * half a jump.
 */
export function fitWindow({ halfWidth, positions, residuals, quantisation }: WindowSamples): WindowFit {
  const m = (residuals.length - 1) / 2;
  if (!Number.isInteger(m) || m < 2 * DEGREES.at(-1)!) throw new RangeError(`fitWindow: a symmetric window of at least ${4 * DEGREES.at(-1)! + 1} samples, got ${residuals.length}`);
  if (positions && (positions.length !== residuals.length || positions[m] !== 0)) throw new RangeError(`fitWindow: ${residuals.length} positions with 0 in the middle, got ${positions.length}`);
  const grid: Grid = { m, ...(positions ? { positions } : {}) };
  let best: SlopeEstimate | undefined;
  let misfit: Misfit | undefined;
  // the lowest degree that describes the window: higher ones only widen the slope's error bar
  for (const degree of DEGREES.slice(0, -1)) {
    if (best) break;
    let region: Region = { lo: -m, hi: m, split: false };
    let cuts = 0;
    for (;;) {
      const judged = judgeRegion(grid, degree, region, residuals, quantisation);
      misfit ??= judged.misfit;
      const kinked = region.split ? undefined : kinkedAtInput(grid, degree, region, residuals, quantisation, cuts, halfWidth);
      const estimate = kinked?.estimate ?? (judged.adequate ? estimateOf(judged, region, degree, cuts, halfWidth) : undefined);
      // a kink at 0 too small to tell from the error bars is no kink: the window is not described
      if (estimate && !(region.split && !significantKink(estimate))) {
        if (steady(estimate, grid, degree, kinked?.region ?? region, residuals, quantisation, halfWidth)) best = estimate;
        break;
      }
      if (judged.adequate) break;
      const next = judged.kink === undefined || cuts === MOST_KINKS ? undefined : cut(region, judged.kink, degree);
      if (!next) break;
      region = next;
      cuts++;
    }
  }
  return best ? { adequate: true, estimate: best } : { adequate: false, misfit: misfit! };
}

/** The region's model with a kink at the input, when it describes the samples and its kink is significant. */
function kinkedAtInput(grid: Grid, degree: number, region: Region, residuals: Float64Array, quantisation: number, cuts: number, halfWidth: number): { region: Region; estimate: SlopeEstimate } | undefined {
  const kinked = cut(region, 0, degree);
  if (!kinked) return undefined;
  const judged = judgeRegion(grid, degree, kinked, residuals, quantisation);
  const estimate = judged.adequate ? estimateOf(judged, kinked, degree, cuts + 1, halfWidth) : undefined;
  return estimate && significantKink(estimate) ? { region: kinked, estimate } : undefined;
}

function significantKink({ kink, kinkSe }: SlopeEstimate): boolean {
  return Math.abs(kink) > KINK_SIGNIFICANCE * kinkSe;
}

/**
 * Whether the slope stays put when the model gets two more terms: under a smooth R the two
 * estimates differ by no more than the extra terms' share of the error bar (their variances
 * differ by exactly that). A polynomial smoothing over kinks it cannot see — a relu network's,
 * spread through the window — moves with the degree, and is not believed.
 */
function steady(estimate: SlopeEstimate, grid: Grid, degree: number, region: Region, residuals: Float64Array, quantisation: number, halfWidth: number): boolean {
  // a region cut too short for two more terms keeps its model (its verdicts wait for smaller windows)
  const perSide = region.split ? Math.min(-region.lo, region.hi) : region.hi - region.lo + 1;
  if (perSide < (region.split ? 1 : 2) * (degree + 3) + 4) return true;
  const richer = judgeRegion(grid, degree + 2, region, residuals, quantisation);
  const other = estimateOf(richer, region, degree + 2, 0, halfWidth);
  const scaled = estimate.se * Math.sqrt(richer.variance) / estimate.noise;
  const spread = Math.sqrt(Math.max(other.se ** 2 - scaled ** 2, 0));
  return Math.abs(estimate.slope - other.slope) <= STEADY * spread;
}

/** Standard errors the slope may move by when two terms are added. */
const STEADY = 3;

/**
 * The samples k = lo…hi a model is fitted to; split: the input sits on a kink, the middle sample
 * is left out and the right side has a jump of slope and curvature (see kinkAtInput).
 */
interface Region {
  lo: number;
  hi: number;
  split: boolean;
}

/** The region without what lies beyond a kink in the gap (k, k + 1); null when too little would be left. */
function cut(region: Region, gap: number, degree: number): Region | undefined {
  const atZero = gap === 0 || gap === -1;
  if (atZero && region.split) return undefined;
  const next = atZero ? { ...region, split: true } : gap > 0 ? { ...region, hi: gap } : { ...region, lo: gap + 1 };
  // enough samples for the polynomial, with room to tell its top terms from the noise (on either
  // side of a kink at 0, or the side with fewer is described by the kink's columns alone)
  const enough = next.split ? Math.min(-next.lo, next.hi) >= degree + 3 : next.hi - next.lo + 1 >= 2 * (degree + 3);
  return enough ? next : undefined;
}

interface Judged {
  fit: Fit;
  variance: number;
  adequate: boolean;
  misfit: Misfit;
  /** The gap (k, k + 1) holding the kink the residuals hold most of, when significant. */
  kink?: number;
}

/** A region's model, and its kink scan, for a number of samples: built once, fitted to every window alike. */
interface Model {
  rows: number[];
  design: Design;
  /** Indices of the highest odd and even terms (of each side, when split). */
  tops: number[];
  /** For each gap a kink may sit in: its columns, and orthonormal vectors of what they add to the model. */
  gaps: { gap: number; columns: Float64Array[]; added: Float64Array[] }[];
  /** The model with one gap's kink columns added, to read the kink's jump and step (see isKink). */
  withKink: (gap: number) => Design;
}

/**
 * Places for a window of m samples per side, in units of the grid's spacing: 0, ±1 as on the
 * grid, and one point at a seeded random place in each further cell (k − 1, k], each side drawn
 * apart. A deterministic error of the forward finer than the cells (a staircase) is then sampled
 * at independent phases, and the two sides' errors are independent instead of mirror images; the
 * points stay as evenly spread as a grid's, so the fit's tests keep their meaning. The first
 * cell's point stays at its end: a kink between the samples next to the input is then read as a
 * kink at the input, as on the grid (see kinkAtInput).
 */
export function jitteredPositions(m: number, rng: Rng): Float64Array {
  const side = () => Array.from({ length: m }, (_, i) => (i === 0 ? 1 : i + 1 - rng.next()));
  const left = side();
  return Float64Array.from([...left.reverse().map((p) => -p), 0, ...side()]);
}

/** A window's sample places (see WindowSamples): index k = −m…m is at positions[k + m], or at k on the grid. */
interface Grid {
  m: number;
  positions?: Float64Array;
}

/** The grid's models are few (a size, a degree, and the cuts kinks make); the cache forgets them all now and then. */
const models = new Map<string, Model>();

const MOST_MODELS = 1024;

/** A jittered window's models, built for it and forgotten with it. */
const jitteredModels = new WeakMap<Float64Array, Map<string, Model>>();

function modelOf(grid: Grid, degree: number, region: Region): Model {
  const { m, positions } = grid;
  const key = `${m} ${degree} ${region.lo} ${region.hi} ${region.split}`;
  let cache = positions ? jitteredModels.get(positions) : models;
  if (!cache) jitteredModels.set(positions!, (cache = new Map()));
  let model = cache.get(key);
  if (model) return model;
  // in units of the grid's spacing, exact integers on the grid: its columns are computed as they always were
  const at = positions ? (k: number) => positions[k + m]! : (k: number) => k;
  const rows: number[] = [];
  for (let k = region.lo; k <= region.hi; k++) if (!(region.split && k === 0)) rows.push(k);
  const power = (p: number) => Float64Array.from(rows, (k) => (at(k) / m) ** p);
  const powers = () => Array.from({ length: degree + 1 }, (_, p) => power(p));
  const columns = region.split ? [...powers(), ...kinkAtInput(rows, m, at)] : powers();
  const q = orthonormal(columns, []);
  const gaps: Model['gaps'] = [];
  for (let gap = region.lo + KINK_MARGIN - 1; gap <= region.hi - KINK_MARGIN; gap++) {
    // a split region has its kink at 0 already
    if (region.split && (gap === 0 || gap === -1)) continue;
    const kink = kinkColumns(rows, gap, m, at);
    const added = orthonormal(kink, q);
    // a kink that adds nothing new (in the gap next to a cut) cannot be placed
    if (added.length === kink.length) gaps.push({ gap, columns: kink, added });
  }
  const withKink = new Map<number, Design>();
  model = {
    rows,
    design: prepare(columns),
    tops: [degree, degree - 1],
    gaps,
    withKink: (gap) => {
      let design = withKink.get(gap);
      if (!design) withKink.set(gap, (design = prepare([...columns, ...gaps.find((g) => g.gap === gap)!.columns])));
      return design;
    },
  };
  if (cache === models && models.size >= MOST_MODELS) models.clear();
  cache.set(key, model);
  return model;
}

/**
 * What a kink at the input adds to the polynomial on the right of it (sample 0 left out): a ramp
 * from 0, a step — with the ramp, a slope jump anywhere between samples −1 and 1 — and a change of
 * curvature (a relu network's loss is piecewise quadratic). One polynomial for both sides and
 * three columns more, not a polynomial per side: a side's own polynomial extrapolates its slope to
 * 0 with an error bar several times the window's, and a kink it should see goes unseen while the
 * polynomial across it, whose slope is the mean of the two, fails the derivative of either.
 */
function kinkAtInput(rows: readonly number[], m: number, at: (k: number) => number): Float64Array[] {
  const right = (k: number) => Math.max(at(k), 0) / m;
  return [Float64Array.from(rows, right), Float64Array.from(rows, (k) => (k > 0 ? 1 : 0)), Float64Array.from(rows, (k) => right(k) ** 2)];
}

/** A ramp from the later sample of a gap and a step there: at the samples, a slope jump anywhere in the gap. */
function kinkColumns(rows: readonly number[], gap: number, m: number, at: (k: number) => number): Float64Array[] {
  const far = gap >= 0 ? (k: number) => k > gap : (k: number) => k <= gap;
  const from = gap >= 0 ? gap + 1 : gap;
  const ramp = Float64Array.from(rows, (k) => (far(k) ? Math.abs(at(k) - at(from)) / m : 0));
  const step = Float64Array.from(rows, (k) => (far(k) ? 1 : 0));
  // one sample beyond the gap: the ramp is 0 there, and the step alone sets that sample apart
  return ramp.some((v) => v !== 0) ? [ramp, step] : [step];
}

/** Fit a region's model and ask whether it describes the samples: residuals like noise, top terms unneeded, no kink left. */
function judgeRegion(grid: Grid, degree: number, region: Region, residuals: Float64Array, quantisation: number): Judged {
  const { m, positions } = grid;
  const model = modelOf(grid, degree, region);
  const y = Float64Array.from(model.rows, (k) => residuals[k + m]!);
  const fit = model.design.fit(y);
  const variance = Math.max(fit.rss / fit.dof, quantisation);
  const p = fit.coefficients.length;
  const t = (i: number) => Math.abs(fit.coefficients[i]!) / Math.sqrt(variance * fit.inverse[i * p + i]!);
  const topTerm = Math.max(...model.tops.map(t));
  // residuals below the noise floor cannot show structure: they are the fit's own rounding
  const autocorrelation = lagOne(fit.residuals, quantisation);
  let explained = 0;
  let strongest: Model['gaps'][number] | undefined;
  for (const candidate of model.gaps) {
    // the residuals' variance the kink's columns explain, in units of the noise variance
    const chi2 = candidate.added.reduce((s, u) => s + dot(u, fit.residuals) ** 2, 0) / variance;
    if (chi2 > explained) {
      explained = chi2;
      strongest = candidate;
    }
  }
  const misfit = { autocorrelation, topTerm, kink: explained };
  const gap = strongest?.gap ?? 0;
  const width = positions ? positions[gap + 1 + m]! - positions[gap + m]! : 1;
  const kink = explained > KINK_LIMIT && isKink(model.withKink(gap).fit(y), width, m, strongest!.columns.length) ? gap : undefined;
  return {
    fit,
    variance,
    adequate: autocorrelation <= MAX_AUTOCORRELATION && topTerm <= TOP_TERM_LIMIT && explained <= KINK_LIMIT,
    misfit,
    ...(kink !== undefined ? { kink } : {}),
  };
}

/**
 * Whether a ramp and a step at a gap are a kink in it: the step a slope jump J leaves at the
 * samples is between 0 and J times the gap's width (1/M on the grid; `width` is in the grid's units). A larger one is a jump of R itself — a forward that moves by less than its
 * rounding, read as a staircase, or a discontinuity — and cutting there would read a flat tread
 * as the slope: such a window is no kink's, and is refused. `fit` has the kink's columns last;
 * with one sample beyond the gap, a step alone, there is nothing to compare.
 */
function isKink(fit: Fit, width: number, m: number, columns: number): boolean {
  const p = fit.coefficients.length;
  const step = fit.coefficients[p - 1]!;
  const jump = fit.coefficients[p - 2]!;
  if (columns < 2) return true;
  const se = Math.sqrt((fit.rss / fit.dof) * fit.inverse[p * p - 1]!);
  const most = (jump * width) / m;
  return step >= Math.min(0, most) - 3 * se && step <= Math.max(0, most) + 3 * se;
}

function estimateOf(judged: Judged, region: Region, degree: number, cuts: number, halfWidth: number): SlopeEstimate {
  const { fit, variance } = judged;
  const p = fit.coefficients.length;
  const c = fit.coefficients;
  const cov = (i: number, j: number) => variance * fit.inverse[i * p + j]!;
  const common = { noise: Math.sqrt(variance), spread: Math.sqrt(fit.rss / fit.dof), degree, hinges: cuts - (region.split ? 1 : 0), samples: fit.residuals.length, halfWidth };
  if (!region.split) return { slope: c[1]! / halfWidth, se: Math.sqrt(cov(1, 1)) / halfWidth, kink: 0, kinkSe: 0, ...common };
  // the slopes at 0: the polynomial's on the left, plus the ramp's on the right; reported as their
  // mean, slope + jump/2, and half the jump, each with its error bar
  const [slope, jump] = [1, degree + 1];
  const seMean = Math.sqrt(cov(slope, slope) + cov(slope, jump) + cov(jump, jump) / 4) / halfWidth;
  return { slope: (c[slope]! + c[jump]! / 2) / halfWidth, se: seMean, kink: c[jump]! / 2 / halfWidth, kinkSe: Math.sqrt(cov(jump, jump)) / 2 / halfWidth, ...common };
}

/**
 * Orthonormal vectors spanning what the columns add to the span of `against` (itself orthonormal),
 * by Gram–Schmidt twice over; a column that adds (next to) nothing is left out.
 */
function orthonormal(columns: readonly Float64Array[], against: readonly Float64Array[]): Float64Array[] {
  const added: Float64Array[] = [];
  for (const c of columns) {
    const v = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++) for (const b of [...against, ...added]) axpy(v, b, -dot(v, b));
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-6 * Math.sqrt(dot(c, c))) added.push(v.map((x) => x / norm));
  }
  return added;
}

function axpy(y: Float64Array, x: Float64Array, a: number): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + a * x[i]!;
}

/** Lag-1 autocorrelation of r, with at least `floor` for the variance of each of its values. */
function lagOne(r: Float64Array, floor: number): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < r.length; i++) {
    den += Math.max(r[i]! * r[i]!, floor);
    if (i > 0) num += r[i]! * r[i - 1]!;
  }
  return den > 0 ? num / den : 0;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
