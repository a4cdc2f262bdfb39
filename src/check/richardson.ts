/**
 * Numeric derivatives of t ↦ φ(t) at t = 0, with an error estimate for each, by Richardson
 * extrapolation over halving steps (Ridders' tableau): every column of the tableau cancels one more
 * power of the step, and the disagreement between neighbouring entries estimates the error of the
 * best one. φ may be vector-valued; every component gets its own estimate.
 */

export interface Estimate {
  value: Float64Array;
  error: Float64Array;
}

export interface Derivatives {
  /** (φ(h) − φ(−h)) / 2h, extrapolated: error in even powers of h. */
  central: Estimate;
  /** One-sided quotients, extrapolated: error in all powers of h. They differ at a kink. */
  left: Estimate;
  right: Estimate;
  /** The smallest step used: rounding in φ is amplified by 1/step. */
  step: number;
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

/**
 * Steps start at `step` and halve until `levels` consecutive steps give finite values; a step
 * that leaves φ's domain (sqrt(x − 1) just above 1, say) restarts the run at a smaller step.
 */
export function differentiate(phi: Sampler, base: Float64Array, step: number, levels: number, eps: number): Derivatives | null {
  const samples: { h: number; plus: Float64Array; minus: Float64Array }[] = [];
  for (let h = step; samples.length < levels && h >= SMALLEST_STEP; h /= 2) {
    const plus = phi(h);
    const minus = plus && phi(-h);
    if (plus && minus) samples.push({ h, plus, minus });
    else samples.length = 0;
  }
  if (samples.length < levels) return null;
  const quotients = (f: (s: (typeof samples)[number], i: number) => number) =>
    samples.map((s) => Float64Array.from(base, (_, i) => f(s, i)));
  return {
    central: extrapolate(quotients((s, i) => (s.plus[i]! - s.minus[i]!) / (2 * s.h)), 4),
    left: extrapolate(quotients((s, i) => (base[i]! - s.minus[i]!) / s.h), 2),
    right: extrapolate(quotients((s, i) => (s.plus[i]! - base[i]!) / s.h), 2),
    step: samples[samples.length - 1]!.h,
    rounding: roundingOf(samples, base, eps),
  };
}

/**
 * The rounding in φ, read off the samples. A value's own rounding, ε·|φ|, is not all of it: a
 * small value computed from large intermediates (cross-entropy of confident logits, as
 * lse − logit) carries their absolute error, and varies in steps of it. Symmetric fourth
 * differences Δ⁴ at the three smallest steps τ, 2τ, 4τ see that staircase. Their smooth part
 * grows as τ⁴ and a kink at 0 adds a part linear in τ; Δ⁴(τ) − (9/16)Δ⁴(2τ) + (1/32)Δ⁴(4τ)
 * cancels both, and what remains is rounding: at most 25.5 times a value's (16 per Δ⁴).
 */
function roundingOf(samples: readonly { plus: Float64Array; minus: Float64Array }[], base: Float64Array, eps: number): Float64Array {
  const n = samples.length;
  if (n < 4) return base.map((f) => eps * Math.abs(f));
  const [s8, s4, s2, s1] = samples.slice(n - 4) as [Sample, Sample, Sample, Sample];
  return base.map((f, i) => {
    const fourth = (outer: Sample, inner: Sample) => outer.plus[i]! - 4 * inner.plus[i]! + 6 * f - 4 * inner.minus[i]! + outer.minus[i]!;
    const staircase = Math.abs(fourth(s2, s1) - (9 / 16) * fourth(s4, s2) + fourth(s8, s4) / 32) / 25.5;
    return Math.max(eps * Math.abs(f), staircase);
  });
}

type Sample = { plus: Float64Array; minus: Float64Array };
/**
 * Ridders' tableau over quotients at halving steps whose error is a series in powers of h with
 * ratio `ratio` per column (4 for central differences, 2 for one-sided ones).
 */
export function extrapolate(quotients: readonly Float64Array[], ratio: number): Estimate {
  const m = quotients[0]!.length;
  const value = new Float64Array(m);
  const error = new Float64Array(m).fill(Infinity);
  for (let c = 0; c < m; c++) {
    let previous: number[] = [];
    for (const q of quotients) {
      const row = [q[c]!];
      for (let j = 1, factor = ratio; j <= previous.length; j++, factor *= ratio) {
        const extrapolated = row[j - 1]! + (row[j - 1]! - previous[j - 1]!) / (factor - 1);
        row.push(extrapolated);
        const err = Math.max(Math.abs(extrapolated - row[j - 1]!), Math.abs(extrapolated - previous[j - 1]!));
        if (err <= error[c]!) {
          error[c] = err;
          value[c] = extrapolated;
        }
      }
      previous = row;
    }
  }
  return { value, error };
}
