import type { Comparison } from './report.js';
import type { Settings } from './options.js';

/** A finite-difference estimate of one derivative, with what is known of its error. */
export interface NumericDerivative {
  central: number;
  /** Richardson's estimate of the central value's truncation error. */
  error: number;
  left: number;
  right: number;
  /** The one-sided values' own error estimates, summed. */
  sidedError: number;
  /** Rounding in φ, amplified by the step: what no extrapolation can remove. */
  rounding: number;
  /** The same for the one-sided values, summed. */
  sidedRounding: number;
}

/**
 * The error estimate is a heuristic: trust it only up to this factor. Chosen from a sweep of
 * correct targets (see check.test.ts) as the smallest that never raised a false alarm, times 4.
 */
export const SAFETY = 16;

/**
 * Rounding in a vjp or jvp grows with the length of the computation behind it; identities that
 * need no finite differences (duality, linearity) are held to rounding, allowing this much growth.
 */
const ROUNDING_GROWTH = 1024;

/** How far an analytic value built from terms of total size `scale` may be off by rounding alone. */
function analyticRounding(scale: number, eps: number): number {
  return ROUNDING_GROWTH * eps * scale;
}

/** How far two analytic values built from terms of total size `scale` may differ by rounding alone. */
export function roundingTolerance(scale: number, eps = 2 ** -53): number {
  return SAFETY * analyticRounding(scale, eps);
}

/** Rounding near underflow is absolute: subnormal values are spaced 2^-1074 apart. */
const UNDERFLOW = 2 ** -1000;

/**
 * Do the analytic value and the finite differences agree? The tolerance is what the numerics can
 * vouch for: the extrapolation error, the rounding in φ, and the rounding in the analytic value
 * (`analyticScale` is the size of the terms summed to make it). At a kink, where the one-sided
 * derivatives differ, an analytic value between them is 'nonsmooth': a convention, not a bug.
 */
export function judge(
  analytic: number,
  numeric: NumericDerivative,
  analyticScale: number,
  settings: Settings,
  where: Pick<Comparison, 'input' | 'index' | 'output' | 'quantity'>,
): Comparison {
  const { central, left, right } = numeric;
  const tolerance = settings.tolerance
    ? settings.tolerance.atol + settings.tolerance.rtol * Math.abs(central)
    : SAFETY * (numeric.error + numeric.rounding + analyticRounding(analyticScale, settings.eps) + UNDERFLOW);
  const absError = Math.abs(analytic - central);
  const largest = Math.max(Math.abs(analytic), Math.abs(central));
  const agrees = absError <= tolerance;
  const sidedTolerance = SAFETY * (numeric.sidedError + numeric.sidedRounding + analyticRounding(analyticScale, settings.eps) + UNDERFLOW);
  // a slope that jumps by less than ∛ε of itself is extrapolation noise, not a kink
  const jump = Math.abs(left - right);
  const kink = jump > sidedTolerance && jump > Math.cbrt(settings.eps) * Math.max(Math.abs(left), Math.abs(right));
  const between = analytic >= Math.min(left, right) - sidedTolerance && analytic <= Math.max(left, right) + sidedTolerance;
  return {
    ...where,
    analytic,
    numeric: central,
    absError,
    relError: largest === 0 ? 0 : absError / largest,
    tolerance,
    verdict: kink ? (agrees || between ? 'nonsmooth' : 'fail') : agrees ? 'agree' : 'fail',
    ...(kink ? { oneSided: [left, right] as [number, number] } : {}),
  };
}
