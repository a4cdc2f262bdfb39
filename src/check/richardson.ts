/**
 * Numeric derivatives of t ↦ φ(t) at t = 0, with an error estimate for each, by Richardson
 * extrapolation over halving steps (Ridders' tableau): every column of the tableau cancels one more
 * power of the step, and the disagreement between neighbouring entries estimates the error of the
 * best one. φ may be vector-valued; every component gets its own estimate.
 */

import { floorLog2, powerOfTwo } from './binary.js';

export interface Estimate {
  value: Float64Array;
  error: Float64Array;
  /** The step of the tableau row each value comes from: its rounding is amplified by 1/step. */
  step: Float64Array;
}

export interface Derivatives {
  /** (φ(h) − φ(−h)) / 2h, extrapolated: error in even powers of h. */
  central: Estimate;
  /** One-sided quotients, extrapolated: error in all powers of h. They differ at a kink. */
  left: Estimate;
  right: Estimate;
  /**
   * The jump across 0, lim φ(h) − φ(−h): 0 where φ is continuous. φ(0) itself plays no part, so
   * noise in it is no jump.
   */
  jump: Estimate;
  /**
   * One-sided slopes from samples on one side alone, (φ(h) − φ(h/2)) / (h/2) extrapolated: the
   * derivative on each side of a jump, which the quotients through φ(0) cannot give.
   */
  beside: { left: Estimate; right: Estimate };
  /** How far each computed value of φ may be from the exact one (absolute). */
  rounding: Float64Array;
  /**
   * Where φ did not change at all at any exact step: the slope a staircase tread wider than the
   * steps could hide, what can be believed of φ's rounding over 2h for the largest step h; else 0.
   */
  tread: Float64Array;
  /**
   * The slope φ shows across all its steps, (max φ − min φ) / 2h for the largest step h: the scale
   * of its derivative, read off φ alone, against which an estimate's error is resolved or not.
   */
  secant: Float64Array;
  /**
   * 1 where φ is rough at the smallest steps: its fourth differences there are more than 2^-10 of
   * all φ does over the steps and more than rounding of its value or inputs could make, and a
   * backward error as large (sin(10^15·x) changes by 1 within a few units in the last place of x)
   * explains them — not a jump a step away, which a typical gradient does not explain. No step
   * resolves such a φ.
   */
  rough: Uint8Array;
  /**
   * 1 where φ's rounding is a long sum's noise, measured (see roundingOf): a one-sided tableau
   * spreads noise of a deviation σ over several σ/h (1 to 11 times the rounding its step amplifies,
   * localising a wrong entry of a log-cosh loss at 1e5), and settling within a few times the
   * rounding (see AMPLIFIED) is as crisp as it gets. An oscillation that aliases on the steps is
   * measured noisier than float64 rounds (see measuredRounding) and has no such rounding.
   */
  summed: Uint8Array;
  /**
   * The largest slope the steps could show: (max φ − min φ + 2·rounding) / 2h for the smallest step
   * h. A derivative beyond it would change φ by more than φ ever changes, even over the smallest
   * step: unless the steps settled on time, the samples cannot test it (an oscillation far faster
   * than any step, where some runs of steps alias by chance).
   */
  limit: Float64Array;
  /** The first run settled within two steps of its first estimate: its estimates are crisp. */
  crisp: boolean;
  /**
   * 1 where further runs of steps were taken and no two of them agreed (see agreeing): the value is
   * the closest pair's, and nothing bears out that it is φ's own slope rather than what several
   * runs of an oscillation alias into alike — sin(3.7·10⁶·x) at −0.54 read −34.1, −33.6, −33.5 and
   * −33.6 on four runs, each a smooth line across its steps, for a slope of 1.6·10⁶, which a fifth
   * run further down read.
   */
  contested: Uint8Array;
  /**
   * The estimates were taken again on further runs of steps (see differentiate), or could not be:
   * nothing more would confirm them.
   */
  confirmed: boolean;
}

/** φ at a step, or null where φ is undefined there (it threw or was not finite). */
export type Sampler = (t: number) => Float64Array | null;

/** The steps to try: halving from `first` down to `smallest`, at least `levels` of them. */
export interface Ladder {
  first: number;
  levels: number;
  smallest: number;
  /**
   * Steps down to this one move the input exactly. Further runs of steps (see differentiate) are
   * taken only when every step of theirs does too, fractions of four bits of the first run's: a
   * float32 target's input has too few bits for that.
   */
  exact: number;
  /** The factors further runs start at, times `first` (RERUNS where not given; see rerunsAlong). */
  reruns?: () => readonly number[];
}

/**
 * Further runs start at these fractions of the first step: not powers of two, so that an
 * oscillation aliasing on one run of halving steps aliases on another only by chance (or over a
 * run of halvings three or four longer), and of four bits at most, so that with directions rounded
 * for steps 2^-4 below the smallest (see Settings.exactStep) every step still moves the input
 * exactly. An oscillation aliases when its phase at each step falls a little short of a multiple
 * of 2π, by half as much each halving: its quotients then converge like a smooth function's, to
 * the wrong value. Runs are taken until two agree.
 */
const RERUNS = [3 / 4, 5 / 8, 7 / 8, 9 / 16];

/**
 * The factors further runs start at along a direction. Four-bit fractions alias alongside the
 * first run whenever the oscillation's phase over the first step falls short of a multiple of
 * 2π·2^(k+4) rather than of 2π·2^k: once in 2^(k+4), for k the levels a run settles in — sin(w·x)
 * at w = 10¹¹ … 10¹³ failed its correct vjp in 16 of 1,800 checks, each entry's runs agreeing on
 * one aliased slope. A direction that moves one entry, by d = m·2^e (m odd), keeps every step
 * exact at any multiple of 2^(e−4) (the four bits below the smallest step, see Settings.exactStep):
 * fractions j/(16·m) next to the four-bit ones, with j prime to m, alias alongside the first run
 * only where m (of some 17 bits for a drawn direction) divides the phase's multiple of 2π, by a
 * chance of 1/m. Other directions keep RERUNS: no fraction but the four-bit ones moves every entry
 * exactly.
 */
export function rerunsAlong(direction: Float64Array): readonly number[] {
  let moved = NaN;
  for (let i = 0; i < direction.length; i++) {
    if (direction[i] === 0) continue;
    if (!Number.isNaN(moved)) return RERUNS;
    moved = Math.abs(direction[i]!);
  }
  if (!(moved > 0 && Number.isFinite(moved))) return RERUNS;
  const odd = moved / lowestBit(moved);
  // one 16·m-th past each four-bit fraction f: (16·m·f + 1)/(16·m), whose numerator m does not divide
  return RERUNS.map((f) => (16 * odd * f + 1) / (16 * odd));
}

/** Where a run never settled, its estimates come from rows with at least this many smaller steps after them. */
const UNSETTLED = 2;

/** Settling within this many levels beyond the first estimate is on time: no further run. */
const ON_TIME = 2;

/**
 * An estimate whose error is within this many times the rounding its step amplifies has settled as
 * far as smaller steps go (see settledAt): the tableau's columns amplify the rounding of the two
 * values in a one-sided quotient up to threefold, and a slope small beside its output's rounding
 * (a saturated tanh's 1e-7) is as good as it gets there. Crisp it is only within the rounding itself.
 */
const AMPLIFIED = 8;

/**
 * Steps start at `first` and halve until `levels` consecutive steps give finite values, and on
 * while the estimate has not settled — a kink or a steep stretch just beside the input spoils the
 * larger steps, and the tableau finds its best entry among the smaller ones — down to `smallest`,
 * and below it, to the smallest exact step, while the quotients still converge there (see
 * converging; in float64 a quotient at 2^-34 still rounds by only 1e-6 of a slope of 10⁸ against
 * values of 1) or φ still jumps across the input (see jumping). Further runs go as far below
 * their own smallest step; there their steps round the moved input by half a unit in its last
 * place, a backward error the rounding read off φ carries. A step that leaves φ's domain
 * (sqrt(x − 1) just above 1, say) restarts the run at a smaller step.
 *
 * An estimate that settled only far down the steps, or never, is taken again on other runs of
 * steps until two agree (five runs at most), and its error is at least how far the two runs that
 * agree best disagree: the tableau's own error is the smallest of many, and over many steps of an
 * oscillation faster than any of them, or of noise, some entries agree by accident. Derivatives
 * of the first run given as `confirm` are taken on the further runs however soon they settled:
 * before a disagreement is called a failure, it must not be an oscillation aliasing on one run.
 */
export function differentiate(phi: Sampler, base: Float64Array, ladder: Ladder, eps: number, sizes: Sizes, confirm?: Derivatives): Derivatives | null {
  const deepest = Math.min(ladder.smallest, ladder.exact);
  const first = confirm ? { derivatives: confirm, levels: Infinity, strict: false } : run(phi, base, ladder, deepest, eps, sizes, AMPLIFIED);
  if (!first) return null;
  if (first.levels <= ladder.levels + ON_TIME && first.strict) first.derivatives.crisp = true;
  if (ladder.exact > ladder.smallest * 2 ** -4) return { ...first.derivatives, confirmed: true };
  if (first.derivatives.crisp && !confirm) return first.derivatives;
  const runs = [first.derivatives];
  for (const factor of ladder.reruns?.() ?? RERUNS) {
    // confirming what a verdict names, steps go on until the estimate settles within its rounding:
    // runs of an oscillation that stop where it looks smooth within a few times that can agree by chance
    const again = run(phi, base, { ...ladder, first: ladder.first * factor, smallest: ladder.smallest * factor }, deepest * factor, eps, sizes, confirm ? 1 : AMPLIFIED);
    if (again) runs.push(again.derivatives);
    if (runs.length > 1 && agreeing(runs)) break;
  }
  return combined(runs);
}

/**
 * One run of halving steps: the estimate, how many steps it took (Infinity when it never settled),
 * and whether it settled within its rounding (`strict`, two steps in a row as settling takes; a
 * few times a long sum's noise, see Derivatives.summed) rather than a few times it: an oscillation aliasing on the steps settles on time as often as not within
 * a few times the rounding its fast phase makes of the input's, and must be taken again on other
 * runs before it is believed.
 */
function run(phi: Sampler, base: Float64Array, { first, levels, smallest, exact }: Ladder, deepest: number, eps: number, sizes: Sizes, within: number): { derivatives: Derivatives; levels: number; strict: boolean } | null {
  const samples: Sample[] = [];
  // beyond the first estimate, settling takes two steps in a row: an oscillation aliasing on the
  // steps looks smooth over four of them by chance once in sixteen, over five once in thirty-two
  // (not for a float32 input, whose steps past the first four are not exact: it resolves no such oscillation)
  let before = false;
  let strictBefore = false;
  // every estimate of the run writes every component it reaches: one set of arrays serves them all,
  // made at the first estimate (not while a further run samples its first steps)
  let into: Derivatives | undefined;
  for (let h = first; h >= smallest || (h >= deepest && (converging(samples) || jumping(samples))); h /= 2) {
    const plus = phi(h);
    const minus = plus && phi(-h);
    if (!plus || !minus) {
      samples.length = 0;
      before = strictBefore = false;
      continue;
    }
    samples.push({ h, plus, minus });
    if (samples.length < levels) continue;
    // null as soon as one component has not settled: the estimate is taken again a step further
    const derivatives = estimate(samples, base, exact, eps, sizes, 0, (into ??= blank(base.length)), within);
    const strict = derivatives !== null && derivatives.rounding.every((_, i) => settledAt(derivatives, i, eps, derivatives.summed[i] ? AMPLIFIED : 1));
    const alone = samples.length === levels || exact > smallest;
    if (derivatives && (before || alone)) {
      return { derivatives: withJumps(derivatives, samples, base, levels), levels: samples.length, strict: strict && (strictBefore || alone) };
    }
    before = derivatives !== null;
    strictBefore = strict;
  }
  // a jump all the way down: the steps below `smallest` bore it out, and would read the slopes
  // beside it no better (their rounding amplified up to sixteenfold)
  const below = samples.findIndex((s) => s.h < smallest);
  if (below >= levels && jumping(samples)) samples.length = below;
  // never settled: an entry counts only where quotients at two smaller steps bear it out
  return samples.length >= levels ? { derivatives: withJumps(estimate(samples, base, exact, eps, sizes, UNSETTLED, (into ??= blank(base.length))), samples, base, levels), levels: Infinity, strict: false } : null;
}

/**
 * Some component's central quotients at the last three steps still move, and converge as a smooth
 * function's do: each change a quarter of the one before (between a half and an eighth, the same
 * way), and the last within a quarter of the quotient. A slope barely resolved at the smallest step
 * (sin(3·10⁸·x) at 2^-30, where its phase turns by a quarter of a radian a step) that smaller steps
 * would settle: it stopped there with a tolerance of 1–3% of itself, and passed a gradient 1% off.
 * An oscillation far beyond the steps moves its quotients at random (by chance like this in a few
 * runs of a hundred: see combined for what such a run's reach is worth).
 */
function converging(samples: readonly Sample[]): boolean {
  const n = samples.length;
  if (n < 3) return false;
  const [a, b, c] = samples.slice(-3) as [Sample, Sample, Sample];
  const q = (s: Sample, i: number) => (s.plus[i]! - s.minus[i]!) / (2 * s.h);
  for (let i = 0; i < a.plus.length; i++) {
    const before = q(a, i) - q(b, i);
    const after = q(b, i) - q(c, i);
    if (after !== 0 && before / after >= 2 && before / after <= 8 && Math.abs(after) <= Math.abs(q(c, i)) / 4) return true;
  }
  return false;
}

/**
 * Some component's difference across the input, φ(h) − φ(−h), held on over the last three steps
 * (at the last, three quarters or more of what it was two steps before) as a jump's does, where a
 * slope's shrinks by four — beyond what rounding of φ's values could make (2^-26 of them): a jump,
 * or a rise or an oscillation narrower than the steps so far, which the exact steps below may
 * resolve. sin(1.58·10⁹·x) at 1.77 held on so down to 2^-30 of the entry, and those steps told
 * neither its right derivative nor one 1% off; the exact steps below tell both.
 */
function jumping(samples: readonly Sample[]): boolean {
  const n = samples.length;
  if (n < 3) return false;
  const [a, c] = [samples[n - 3]!, samples[n - 1]!];
  for (let i = 0; i < a.plus.length; i++) {
    const before = a.plus[i]! - a.minus[i]!;
    const after = c.plus[i]! - c.minus[i]!;
    if (before !== 0 && after / before >= 3 / 4 && Math.abs(after) > JUMP_OVER_ROUNDING * Math.max(Math.abs(c.plus[i]!), Math.abs(c.minus[i]!))) return true;
  }
  return false;
}

/** What of φ's values a difference across the input must exceed to read as a jump while choosing steps: beyond any rounding. */
const JUMP_OVER_ROUNDING = 2 ** -26;

/** The pair of runs whose values agree best, for one component of one estimate. */
function closest(values: readonly number[]): [number, number] {
  let pair: [number, number] = [0, 0];
  let gap = Infinity;
  for (let a = 0; a < values.length; a++) {
    for (let b = a + 1; b < values.length; b++) {
      if (Math.abs(values[a]! - values[b]!) < gap) [pair, gap] = [[a, b], Math.abs(values[a]! - values[b]!)];
    }
  }
  return pair;
}

/**
 * Some two runs agree on every central derivative: within the smaller of their errors (a run that
 * resolved nothing agrees with nothing) and the larger of their roundings (a property of φ, and of
 * the input moved by inexact steps on the later runs).
 */
function agreeing(runs: readonly Derivatives[]): boolean {
  return runs[0]!.central.value.every((_, i) => agreeingAt(runs, i));
}

function agreeingAt(runs: readonly Derivatives[], i: number): boolean {
  const [a, b] = closest(runs.map((r) => r.central.value[i]!)).map((k) => runs[k]!) as [Derivatives, Derivatives];
  const rounding = (d: Derivatives) => d.rounding[i]! / d.central.step[i]!;
  const allowed = Math.min(a.central.error[i]!, b.central.error[i]!) + Math.max(rounding(a), rounding(b));
  return Math.abs(a.central.value[i]! - b.central.value[i]!) <= SAFETY * allowed;
}

/**
 * Each value from the two runs that agree best (the one with the smaller error), its error no
 * smaller than their disagreement. Crisp only where the first run was and every central value
 * comes from a pair with the first run in it: two later runs that agree with each other and not
 * with it (sin(4.7·10¹²·x) at 0.55: a crisp -1.09 on the first, 6.89·10⁴ on the next two, for
 * 6·10¹¹) say the first run aliased, and their own agreement is no more than chance. The largest
 * slope the steps could show is the smaller of that pair's: a run that went on to smaller steps
 * (see converging) says nothing of a value another run gave (sin(8.8·10¹¹·x): two runs that
 * stopped at 2^-30 agreed on 5.4·10⁴ for 6.2·10⁹, beyond any slope their steps could show, and a
 * third, further down by chance, could have shown it).
 */
function combined(runs: readonly Derivatives[]): Derivatives {
  if (runs.length === 1) return { ...runs[0]!, confirmed: true };
  // per component, the two runs whose central values agree best
  const pairs = Array.from(runs[0]!.central.value, (_, i) => closest(runs.map((r) => r.central.value[i]!)));
  const firstAgrees = pairs.every((pair) => pair.includes(0));
  const pick = (of: (d: Derivatives) => Estimate): Estimate => {
    const estimates = runs.map(of);
    const m = estimates[0]!.value.length;
    const out: Estimate = { value: new Float64Array(m), error: new Float64Array(m), step: new Float64Array(m) };
    for (let i = 0; i < m; i++) {
      const [a, b] = closest(estimates.map((e) => e.value[i]!)).map((k) => estimates[k]!) as [Estimate, Estimate];
      const best = a.error[i]! <= b.error[i]! ? a : b;
      out.value[i] = best.value[i]!;
      out.error[i] = Math.max(best.error[i]!, Math.abs(a.value[i]! - b.value[i]!));
      out.step[i] = best.step[i]!;
    }
    return out;
  };
  return {
    confirmed: true,
    central: pick((d) => d.central),
    left: pick((d) => d.left),
    right: pick((d) => d.right),
    jump: pick((d) => d.jump),
    beside: { left: pick((d) => d.beside.left), right: pick((d) => d.beside.right) },
    rounding: runs[0]!.rounding.map((_, i) => Math.max(...runs.map((r) => r.rounding[i]!))),
    secant: runs[0]!.secant,
    rough: runs[0]!.rough.map((_, i) => Math.max(...runs.map((r) => r.rough[i]!))),
    summed: runs[0]!.summed.map((_, i) => Math.min(...runs.map((r) => r.summed[i]!))),
    limit: runs[0]!.limit.map((_, i) => Math.min(...pairs[i]!.map((k) => runs[k]!.limit[i]!))),
    crisp: runs[0]!.crisp && firstAgrees,
    contested: Uint8Array.from(runs[0]!.contested, (_, i) => Number(!agreeingAt(runs, i))),
    tread: runs[0]!.tread.map((_, i) => Math.min(...runs.map((r) => r.tread[i]!))),
  };
}

/**
 * The slopes' tableaux (central and one-sided) and what the samples say of φ, component by
 * component, written into `d` — or, `settling` within so many times its rounding, null at the
 * first component that has not (see settledAt). The jump's tableau and the slopes beside it are
 * left to withJumps, which only the estimate a run ends with needs (settling looks at the slopes). Each component's
 * samples are scaled by a power of two to below 2 first (see scaled), so that near overflow (x² at
 * 1e154) no difference or sum of samples overflows; the results are scaled back.
 */
function estimate(samples: readonly Sample[], base: Float64Array, exact: number, eps: number, sizes: Sizes, finer: number, d: Derivatives, settling: number): Derivatives | null;
function estimate(samples: readonly Sample[], base: Float64Array, exact: number, eps: number, sizes: Sizes, finer: number, d: Derivatives): Derivatives;
function estimate(samples: readonly Sample[], base: Float64Array, exact: number, eps: number, sizes: Sizes, finer: number, d: Derivatives, settling?: number): Derivatives | null {
  const steps = samples.map((s) => s.h);
  const n = samples.length;
  const m = base.length;
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const quotients = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const { unit, f, range } = scaled(samples, base, i, plus, minus);
    const read = roundingOf(plus, minus, f, range, eps, componentSizes(sizes, i, unit, f));
    d.rounding[i] = Math.max(read.rounding * unit, SUBNORMAL);
    // φ equal to the last bit at every step that moved the input exactly: no staircase shows, but
    // it may stand on a tread wider than the steps (lse − logit of a confident logit, rounded to the
    // logit's last place); what it can be believed to round by, over the largest step, bounds its slope
    const flat = unmoved(samples, base, i, exact);
    d.tread[i] = flat ? (read.believed * unit) / (2 * steps[0]!) : 0;
    d.secant[i] = (range * unit) / (2 * steps[0]!);
    d.rough[i] = Number(read.rough);
    d.summed[i] = Number(read.summed);
    d.limit[i] = (range * unit + 2 * d.rounding[i]!) / (2 * steps[n - 1]!);
    const limits = limitsOf(d, i, unit, range, finer);
    for (let k = 0; k < n; k++) quotients[k] = (plus[k]! - minus[k]!) / (2 * steps[k]!);
    tableau(d.central, i, unit, quotients, steps, 4, limits);
    for (let k = 0; k < n; k++) quotients[k] = (f - minus[k]!) / steps[k]!;
    tableau(d.left, i, unit, quotients, steps, 2, limits);
    for (let k = 0; k < n; k++) quotients[k] = (plus[k]! - f) / steps[k]!;
    tableau(d.right, i, unit, quotients, steps, 2, limits);
    if (settling !== undefined && !settledAt(d, i, eps, settling)) return null;
  }
  return d;
}

/** Derivatives of m components, to be written (see estimate). */
function blank(m: number): Derivatives {
  const make = (): Estimate => ({ value: new Float64Array(m), error: new Float64Array(m), step: new Float64Array(m) });
  return { central: make(), left: make(), right: make(), jump: make(), beside: { left: make(), right: make() }, rounding: new Float64Array(m), tread: new Float64Array(m), secant: new Float64Array(m), rough: new Uint8Array(m), summed: new Uint8Array(m), limit: new Float64Array(m), crisp: false, contested: new Uint8Array(m), confirmed: false };
}

/**
 * The jump's tableau and the slopes' beside it, added to an estimate of the same samples. A jump
 * shows at the smallest steps; larger ones may cross a change of curvature, whose smooth branch
 * extrapolates to an offset at 0 that is no jump: both are read on the finest `levels` steps.
 */
function withJumps(d: Derivatives, samples: readonly Sample[], base: Float64Array, levels: number): Derivatives {
  const n = samples.length;
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const finest = samples.slice(-levels).map((s) => s.h);
  // a difference φ(h) − φ(−h) carries the rounding of φ over 1; a pair of steps h, h/2 on one
  // side, that of two values over h/2
  const ones = finest.map(() => 1);
  const halves = finest.slice(1).map((h) => h / 2);
  const jumps = new Float64Array(finest.length);
  const left = new Float64Array(halves.length);
  const right = new Float64Array(halves.length);
  for (let i = 0; i < base.length; i++) {
    const { unit, range } = scaled(samples, base, i, plus, minus);
    for (let j = 0, k = n - finest.length; k < n; j++, k++) {
      jumps[j] = plus[k]! - minus[k]!;
      if (j === 0) continue;
      left[j - 1] = (minus[k]! - minus[k - 1]!) / (samples[k - 1]!.h - samples[k]!.h);
      right[j - 1] = (plus[k - 1]! - plus[k]!) / (samples[k - 1]!.h - samples[k]!.h);
    }
    const limits = limitsOf(d, i, unit, range, 0);
    tableau(d.jump, i, unit, jumps, ones, 2, limits);
    tableau(d.beside.left, i, unit, left, halves, 2, limits);
    tableau(d.beside.right, i, unit, right, halves, 2, limits);
  }
  return d;
}

/**
 * Component i of the samples, scaled by a power of two to below 2 (exactly: their bits are kept),
 * into `plus` and `minus`: the unit, φ(0) and the range of φ over the steps, in that unit.
 */
function scaled(samples: readonly Sample[], base: Float64Array, i: number, plus: Float64Array, minus: Float64Array): { unit: number; f: number; range: number } {
  let largest = Math.abs(base[i]!);
  for (const s of samples) largest = Math.max(largest, Math.abs(s.plus[i]!), Math.abs(s.minus[i]!));
  const unit = largest > 0 ? powerOfTwo(floorLog2(largest)) : 1;
  const f = base[i]! / unit;
  let [low, high] = [f, f];
  for (let k = 0; k < samples.length; k++) {
    plus[k] = samples[k]!.plus[i]! / unit;
    minus[k] = samples[k]!.minus[i]! / unit;
    low = Math.min(low, plus[k]!, minus[k]!);
    high = Math.max(high, plus[k]!, minus[k]!);
  }
  return { unit, f, range: high - low };
}

/**
 * Puts Ridders' tableau of quotients into component i of an estimate, in units of `unit`: a
 * quotient over a step carries the rounding of φ divided by it (see Estimate.step), and smaller
 * steps may add noise before they speak against an estimate — its rounding, or up to 2^-16 of all
 * φ does (`range`): noise of intermediates the rounding read cannot believe in (x + 10⁸ − 10⁸
 * rounds x to 10⁸'s last place), where an oscillation's quotients swing by all of it.
 */
function tableau(into: Estimate, i: number, unit: number, quotients: ArrayLike<number>, steps: ArrayLike<number>, ratio: number, limits: Limits): void {
  const e = extrapolate(quotients, steps, ratio, limits);
  into.value[i] = e.value * unit;
  into.error[i] = e.error * unit;
  into.step[i] = e.step;
}

/** What bounds component i's tableaux (see tableau), in units of `unit`. */
function limitsOf(d: Derivatives, i: number, unit: number, range: number, finer: number): Limits {
  const rounding = d.rounding[i]! / unit;
  return { rounding, noise: Math.max(rounding, range * 2 ** -16), finer };
}

/** Component i equal to φ(0) at every step down to `exact` (those that move the input exactly). */
function unmoved(samples: readonly Sample[], base: Float64Array, i: number, exact: number): boolean {
  for (const s of samples) if (s.h >= exact && (s.plus[i] !== base[i] || s.minus[i] !== base[i])) return false;
  return true;
}

/**
 * Component i settled: its error is within √ε of the answer, or within `amplified` times the
 * rounding its step amplifies (see AMPLIFIED) — the one-sided answers too, or a change of
 * curvature a step away would pass for a kink. The rounding read off the samples is capped (see
 * roundingOf), so a kink a step away, which looks like a staircase too, does not settle it: only
 * smaller steps get clear of it.
 */
function settledAt({ central, left, right, rounding }: Derivatives, i: number, eps: number, amplified: number): boolean {
  // √ε relative: 1e-8 in float64, far below any error worth finding; 2.4e-4 in float32
  return settledWithin(central, i, eps, amplified, rounding) && settledWithin(left, i, eps, amplified, rounding) && settledWithin(right, i, eps, amplified, rounding);
}

function settledWithin(e: Estimate, i: number, eps: number, amplified: number, rounding: Float64Array): boolean {
  return e.error[i]! <= Math.sqrt(eps) * Math.abs(e.value[i]!) + (amplified * rounding[i]!) / e.step[i]!;
}

/**
 * What the rounding read off φ may be believed up to (see roundingOf): the largest input, and the
 * backward error's size, |x|·|∂f/∂x| for the moved inputs at their typical gradients.
 */
export interface Sizes {
  input: number;
  backward: number;
  /**
   * The forward's measured noise per unit of its values (see measuredRounding): a sum of 10⁶ terms
   * rounds by about √10⁶ units in its last place, not one, and its staircase is read as such noise.
   */
  measured: number;
  /** Where φ's components are projections ⟨v, f⟩ on cotangents, not output entries: their sizes (see Projections). */
  projections?: Projections;
}

/**
 * The sizes of projections ⟨v, f⟩ at the input, per component: a projection rounds as its terms
 * v_i·f_i do, not as its value (which cancels to near 0 for a random-sign v): by ε·Σ|v_i f_i| at
 * most, its measured noise by the root-sum-square of the terms' (each entry's share of the measured
 * noise is in proportion to it), and what an entry's rounding is believed up to, Σ|v_i| times.
 */
export interface Projections {
  /** Σ|v_i·f_i|. */
  terms: Float64Array;
  /** √Σ(v_i·f_i)². */
  spread: Float64Array;
  /** Σ|v_i|. */
  weight: Float64Array;
}

/** Component i's sizes, in units of `unit` (f: its value at the input, in that unit). */
function componentSizes({ input, backward, measured, projections }: Sizes, i: number, unit: number, f: number): ComponentSizes {
  if (!projections) return { input: input / unit, backward: backward / unit, measured, terms: Math.abs(f), spread: Math.abs(f) };
  const weight = projections.weight[i]!;
  return { input: (input * weight) / unit, backward: (backward * weight) / unit, measured, terms: projections.terms[i]! / unit, spread: projections.spread[i]! / unit };
}

/** What roundingOf reads one component against: Sizes in its unit, and the size of its terms (|φ(0)| for an output entry). */
interface ComponentSizes {
  input: number;
  backward: number;
  measured: number;
  terms: number;
  spread: number;
}

/**
 * The rounding in φ, read off the samples (scaled so that |φ| < 2; unscaled, it is no less than
 * the spacing of subnormal numbers). A value's own rounding, ε·|φ|, is not all of it: a small value computed
 * from large intermediates (cross-entropy of confident logits, as lse − logit) carries their
 * absolute error, and varies in steps of it. Symmetric fourth differences Δ⁴ at the three smallest
 * steps τ, 2τ, 4τ see that staircase. Their smooth part grows as τ⁴ and a kink at 0 adds a part
 * linear in τ; Δ⁴(τ) − (9/16)Δ⁴(2τ) + (1/32)Δ⁴(4τ) cancels both, and what remains is rounding: at
 * most 25.5 times a value's (16 per Δ⁴). A kink a step away from 0 remains too, so the reading is
 * believed only up to what rounding can be: 4ε of the larger of |φ| and the inputs, or of the
 * backward error — a forward computed in floating point is exact for inputs moved by ε of
 * themselves, so sin(10⁶·x) is as noisy as 10⁶·x is large. The backward error is believed only
 * up to 2^-10 of all φ does over the steps: beyond, the function changes faster than the steps
 * (sin(10^15·x)), and that is no rounding: φ is rough there. A long sum rounds by more than any of
 * this (the sum of 10⁶ terms by about √10⁶ units in its last place): where the forward was
 * measured noisier than one rounding can be (Sizes.measured), the staircase is read as the noise
 * of many roundings (see SUMMED), up to what was measured. Returns the reading, what it may be
 * believed up to, whether φ is rough, and whether its rounding is such noise.
 */
function roundingOf(plus: Float64Array, minus: Float64Array, f: number, range: number, eps: number, sizes: ComponentSizes): { rounding: number; believed: number; rough: boolean; summed: boolean } {
  const own = eps * sizes.terms;
  const n = plus.length;
  const rounded = 4 * eps * Math.max(sizes.terms, sizes.input);
  const believed = Math.max(rounded, Math.min(4 * eps * sizes.backward, range * 2 ** -10));
  if (n < 4) return { rounding: own, believed, rough: false, summed: false };
  // read at the three smallest steps, and — where the steps went on — at the two triples above
  // them: one reading of random rounding can come out small by chance
  let staircase = 0;
  for (let k = n - 1; k >= Math.max(3, n - 3); k--) {
    const remainder = fourth(plus, minus, f, k - 1, k) - (9 / 16) * fourth(plus, minus, f, k - 2, k - 1) + fourth(plus, minus, f, k - 3, k - 2) / 32;
    staircase = Math.max(staircase, Math.abs(remainder) / 25.5);
  }
  // rough: read well above rounding, and a backward error as large as a thousandth of φ's range to explain it
  const rough = staircase > Math.max(rounded, range * 2 ** -10) && 4 * eps * sizes.backward > range * 2 ** -10;
  // values on a grid coarser than any rounding believed, with a staircase that shows it, round by
  // the grid (sin(x + 10⁸) − 10⁸) — a fine one: a kink a step away puts its values on no grid, and
  // a jump (floor) on one as coarse as all φ does
  const step = grid(plus, minus, f);
  const fine = step <= range * 2 ** -10 ? Math.min(staircase * 25.5, step) : 0;
  // a forward measured noisier than one rounding can be: a long sum's rounding, the sum of many,
  // which strays further than a staircase reads (see SUMMED). Its smallest steps may show less of
  // it: a sum that moves in a few of its terms keeps most roundings there (localisation's halves)
  const measured = MEASURED_BOUND * sizes.measured * sizes.spread;
  const summed = measured > believed ? Math.min(measured, SUMMED * staircase) : 0;
  const rounding = Math.max(own, Math.min(Math.max(staircase, step), believed), fine);
  return { rounding: Math.max(rounding, summed), believed, rough, summed: summed > rounding };
}

/** The symmetric fourth difference of φ between steps `outer` and `inner` (φ(0) = f). */
function fourth(plus: Float64Array, minus: Float64Array, f: number, outer: number, inner: number): number {
  return plus[outer]! - 4 * plus[inner]! + 6 * f - 4 * minus[inner]! + minus[outer]!;
}

/**
 * The coarsest grid every sample lies on, relative to φ(0): a value rounded to a coarser grid than
 * its own last place (a small result of large intermediates: lse − logit rounds to the logit's
 * last place) moves only in whole steps of it, and its rounding is a step. The largest power of
 * two that divides every difference from φ(0); for values with nothing in common, about their own
 * last place.
 */
function grid(plus: Float64Array, minus: Float64Array, f: number): number {
  let lowest = Infinity;
  for (let k = 0; k < plus.length; k++) {
    const above = Math.abs(plus[k]! - f);
    const below = Math.abs(minus[k]! - f);
    if (above > 0) lowest = Math.min(lowest, lowestBitExponent(above));
    if (below > 0) lowest = Math.min(lowest, lowestBitExponent(below));
  }
  return Number.isFinite(lowest) ? 2 ** lowest : 0;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The index of the 32-bit word holding a double's exponent: 1 on little-endian machines. */
const HIGH = (bits[0] = 1, words[1] === 0x3ff00000 ? 1 : 0);

/** The largest power of two that divides a (positive, finite) double. */
export function lowestBit(x: number): number {
  return 2 ** lowestBitExponent(x);
}

/** log2 of lowestBit(x): an integer. */
function lowestBitExponent(x: number): number {
  bits[0] = x;
  const high = words[HIGH]!;
  const low = words[1 - HIGH]!;
  const biased = (high >>> 20) & 0x7ff;
  // normal numbers: the trailing zeros of the significand, its implicit leading bit included
  if (biased > 0) {
    const zeros = low !== 0 ? trailingZeros(low) : 32 + trailingZeros((high & 0xfffff) | 0x100000);
    return biased - 1075 + zeros;
  }
  // subnormal: the significand alone, in units of the smallest subnormal
  return -1074 + (low !== 0 ? trailingZeros(low) : 32 + trailingZeros(high & 0xfffff));
}

function trailingZeros(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** How far an error estimate is trusted (see compare.ts): quotients this many times their rounding apart are noise. */
const SAFETY = 16;

/**
 * How far a value strays, for noise of standard deviation σ: 3σ, among the few dozen values a
 * check takes. The first probe's measured σ (see Sizes.measured) bounds the staircase read as
 * such noise; it is read at larger steps, where curvature passes for noise too (a dense
 * layer's loss at 10⁶ parameters reads 1.6e-13 of its value there, its staircase 7e-16), so it is
 * a bound only.
 */
const MEASURED_BOUND = 3;

/**
 * A long sum's rounding is the sum of many independent roundings: noise of a deviation σ, not a
 * bounded rounding r, which the staircase reads as r at most. Its remainder (see roundingOf)
 * scatters by about 9.6σ, a reading |remainder|/25.5 by 0.38σ, the largest of three up to about σ;
 * values stray up to 3σ: 8 staircases.
 */
const SUMMED = 8;

/** The spacing of subnormal numbers: no value is computed closer than this. */
const SUBNORMAL = 2 ** -1074;

interface Sample {
  h: number;
  plus: Float64Array;
  minus: Float64Array;
}

/**
 * Ridders' tableau over quotients at halving steps whose error is a series in powers of h with
 * ratio `ratio` per column (4 for central differences, 2 for one-sided ones): the entry with the
 * smallest uncertainty — its error estimate and the rounding its row's step amplifies, so that a
 * noisy function is read at the step that balances the two — and the step of its row. A row's
 * step is what its quotient divides φ by: h for a difference quotient, 1 for a plain difference.
 *
 * The tableau's error is the smallest of many, and over an oscillation faster than the steps, or
 * noise beyond the rounding read off φ, some entries agree by accident. So an entry must also
 * agree with every quotient at a smaller step, where truncation shrinks by `ratio` a step: a
 * quotient further from the value than its row's share of the entry's own row's truncation, and
 * SAFETY times its noise, adds the difference to the error. Each row's best entry is held to
 * that, and the best of them is taken — among rows with at least `finer` rows after them.
 */
export function extrapolate(quotients: ArrayLike<number>, steps: ArrayLike<number>, ratio: number, limits: Limits = {}): { value: number; error: number; step: number } {
  const { rounding = 0, noise = rounding, finer = 0 } = limits;
  const n = quotients.length;
  // each row's best entry (values, errors); the tableau is kept a row at a time, in the rows of a
  // buffer reused across calls (every entry a row reads was written by the row before it)
  if (tableauRows.length < 4 * n) tableauRows = new Float64Array(4 * n);
  const t = tableauRows;
  const values = 0;
  const errors = n;
  let previous = 2 * n;
  let row = 3 * n;
  for (let k = 0; k < n; k++) {
    t[row] = quotients[k]!;
    let bestValue = 0;
    let bestError = Infinity;
    for (let j = 1, factor = ratio; j <= k; j++, factor *= ratio) {
      const extrapolated = t[row + j - 1]! + (t[row + j - 1]! - t[previous + j - 1]!) / (factor - 1);
      t[row + j] = extrapolated;
      const error = Math.max(Math.abs(extrapolated - t[row + j - 1]!), Math.abs(extrapolated - t[previous + j - 1]!));
      if (error <= bestError) {
        bestValue = extrapolated;
        bestError = error;
      }
    }
    t[values + k] = bestValue;
    t[errors + k] = bestError;
    const swap = previous;
    previous = row;
    row = swap;
  }
  // the uncertainty a row's entry is taken with: its error and the rounding its step amplifies
  let chosenValue = 0;
  let chosenError = Infinity;
  let chosenStep = steps[0] ?? 1;
  let uncertainty = Infinity;
  for (let r = 0; r < n - finer; r++) {
    const value = t[values + r]!;
    let error = t[errors + r]!;
    let truncation = Math.abs(quotients[r]! - value);
    const amplified = rounding / steps[r]!;
    for (let k = r + 1; k < n && error + amplified <= uncertainty; k++) {
      truncation /= ratio;
      error = Math.max(error, Math.abs(quotients[k]! - value) - truncation - (SAFETY * noise) / steps[k]!);
    }
    if (error + amplified <= uncertainty) {
      chosenValue = value;
      chosenError = error;
      chosenStep = steps[r]!;
      uncertainty = error + amplified;
    }
  }
  return { value: chosenValue, error: chosenError, step: chosenStep };
}

/** extrapolate's working rows, grown as needed. */
let tableauRows = new Float64Array(64);

/**
 * What bounds an extrapolation (see extrapolate): the rounding in φ, which a row's quotient
 * carries divided by its row's entry of `steps`; the noise in φ finer quotients may add before
 * they speak against an entry (the rounding, by default), likewise divided; and how many finer
 * rows an entry needs after it.
 */
export interface Limits {
  rounding?: number;
  noise?: number;
  finer?: number;
}
