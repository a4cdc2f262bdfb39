/**
 * Numeric derivatives of t ↦ φ(t) at t = 0, with an error estimate for each, by Richardson
 * extrapolation over halving steps (Ridders' tableau): every column of the tableau cancels one more
 * power of the step, and the disagreement between neighbouring entries estimates the error of the
 * best one. φ may be vector-valued; every component gets its own estimate.
 */

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
  /** How far each computed value of φ may be from the exact one (absolute). */
  rounding: Float64Array;
}

/** φ at a step, or null where φ is undefined there (it threw or was not finite). */
export type Sampler = (t: number) => Float64Array | null;

/**
 * The smallest step tried. Steps are relative to each entry's scale, so a step this small only
 * helps a function whose domain ends just beside the input; below it, a perturbation of an
 * integer input would round away and pass for a derivative of 0.
 */
export const SMALLEST_STEP = 2 ** -30;

/** At most this many step sizes: beyond, the estimate is what it is, with its error. */
const MOST_LEVELS = 12;


/**
 * Steps start at `step` and halve until `levels` consecutive steps give finite values, and on
 * while the estimate has not settled — a kink or a steep stretch just beside the input spoils
 * the larger steps, and the tableau finds its best entry among the smaller ones. A step that
 * leaves φ's domain (sqrt(x − 1) just above 1, say) restarts the run at a smaller step.
 */
export function differentiate(phi: Sampler, base: Float64Array, step: number, levels: number, eps: number, largestInput: number): Derivatives | null {
  const samples: Sample[] = [];
  let derivatives: Derivatives | null = null;
  for (let h = step; h >= SMALLEST_STEP && samples.length < MOST_LEVELS; h /= 2) {
    const plus = phi(h);
    const minus = plus && phi(-h);
    if (!plus || !minus) {
      samples.length = 0;
      derivatives = null;
      continue;
    }
    samples.push({ h, plus, minus });
    if (samples.length < levels) continue;
    derivatives = estimate(samples, base, eps, largestInput);
    if (settled(derivatives, eps)) break;
  }
  return derivatives;
}

function estimate(samples: readonly Sample[], base: Float64Array, eps: number, largestInput: number): Derivatives {
  const quotients = (f: (s: Sample, i: number) => number) => samples.map((s) => Float64Array.from(base, (_, i) => f(s, i)));
  const steps = samples.map((s) => s.h);
  return {
    central: extrapolate(quotients((s, i) => (s.plus[i]! - s.minus[i]!) / (2 * s.h)), steps, 4),
    left: extrapolate(quotients((s, i) => (base[i]! - s.minus[i]!) / s.h), steps, 2),
    right: extrapolate(quotients((s, i) => (s.plus[i]! - base[i]!) / s.h), steps, 2),
    rounding: roundingOf(samples, base, eps, largestInput),
  };
}

/**
 * Settled: the error is within √ε of the answer, or within its rounding — the one-sided answers
 * too, or a change of curvature a step away would pass for a kink. The rounding read off the samples is
 * capped (see roundingOf), so a kink a step away, which looks like a staircase too, does not
 * settle it: only smaller steps get clear of it.
 */
function settled({ central, left, right, rounding }: Derivatives, eps: number): boolean {
  // √ε relative: 1e-8 in float64, far below any error worth finding; 2.4e-4 in float32
  const within = (e: Estimate) => e.error.every((error, i) => error <= Math.sqrt(eps) * Math.abs(e.value[i]!) + rounding[i]! / e.step[i]!);
  return within(central) && within(left) && within(right);
}

/**
 * The rounding in φ, read off the samples. A value's own rounding, ε·|φ|, is not all of it: a
 * small value computed from large intermediates (cross-entropy of confident logits, as
 * lse − logit) carries their absolute error, and varies in steps of it. Symmetric fourth
 * differences Δ⁴ at the three smallest steps τ, 2τ, 4τ see that staircase. Their smooth part
 * grows as τ⁴ and a kink at 0 adds a part linear in τ; Δ⁴(τ) − (9/16)Δ⁴(2τ) + (1/32)Δ⁴(4τ)
 * cancels both, and what remains is rounding: at most 25.5 times a value's (16 per Δ⁴).
 * A kink a step away from 0 remains too, so the reading is believed only up to rounding of the
 * size of the inputs (4ε·max|x|): intermediates that dwarf the inputs are rare, and a kink
 * mistaken for rounding would pass a wrong derivative.
 */
function roundingOf(samples: readonly Sample[], base: Float64Array, eps: number, largestInput: number): Float64Array {
  const n = samples.length;
  if (n < 4) return base.map((f) => eps * Math.abs(f));
  const [s8, s4, s2, s1] = samples.slice(n - 4) as [Sample, Sample, Sample, Sample];
  return base.map((f, i) => {
    const fourth = (outer: Sample, inner: Sample) => outer.plus[i]! - 4 * inner.plus[i]! + 6 * f - 4 * inner.minus[i]! + outer.minus[i]!;
    const staircase = Math.abs(fourth(s2, s1) - (9 / 16) * fourth(s4, s2) + fourth(s8, s4) / 32) / 25.5;
    const own = eps * Math.abs(f);
    return Math.max(own, Math.min(staircase, 4 * eps * Math.max(Math.abs(f), largestInput)));
  });
}

interface Sample {
  h: number;
  plus: Float64Array;
  minus: Float64Array;
}
/**
 * Ridders' tableau over quotients at halving steps whose error is a series in powers of h with
 * ratio `ratio` per column (4 for central differences, 2 for one-sided ones).
 */
export function extrapolate(quotients: readonly Float64Array[], steps: readonly number[], ratio: number): Estimate {
  const m = quotients[0]!.length;
  const value = new Float64Array(m);
  const error = new Float64Array(m).fill(Infinity);
  const step = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    let previous: number[] = [];
    quotients.forEach((q, k) => {
      const row = [q[c]!];
      for (let j = 1, factor = ratio; j <= previous.length; j++, factor *= ratio) {
        const extrapolated = row[j - 1]! + (row[j - 1]! - previous[j - 1]!) / (factor - 1);
        row.push(extrapolated);
        const err = Math.max(Math.abs(extrapolated - row[j - 1]!), Math.abs(extrapolated - previous[j - 1]!));
        if (err <= error[c]!) {
          error[c] = err;
          value[c] = extrapolated;
          step[c] = steps[k]!;
        }
      }
      previous = row;
    });
  }
  return { value, error, step };
}
