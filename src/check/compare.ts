import type { Comparison } from './report.js';
import type { Settings } from './options.js';

/** A finite-difference estimate of one derivative, with what is known of its error. */
export interface NumericDerivative {
  central: number;
  /** Richardson's estimate of the central value's truncation error. */
  error: number;
  /** Rounding in φ, amplified by the step: what no extrapolation can remove. */
  rounding: number;
  left: number;
  right: number;
  /** The one-sided values' own error estimates, summed. */
  sidedError: number;
  /** The same for the one-sided values, summed. */
  sidedRounding: number;
  /** The slope φ shows across all its steps: the scale against which the error is resolved or not. */
  secant: number;
  /** Where φ did not change at all: the slope a rounding staircase could hide (see Derivatives.tread). */
  tread: number;
  /** φ is rough at the smallest steps: no step resolves it (see Derivatives.rough). */
  rough: boolean;
  /** The largest slope the steps could show, and whether they settled on time (see Derivatives.limit). */
  limit: number;
  crisp: boolean;
  /** Runs of steps never agreed on a component it weighs (see Derivatives.contested). */
  contested: boolean;
  /** How far φ jumps across the input (0 where it is continuous), its error, and the rounding of φ itself. */
  jump: number;
  jumpError: number;
  noise: number;
  /** The slopes on either side of a jump, from samples on that side alone; their errors and rounding, summed. */
  besideLeft: number;
  besideRight: number;
  besideError: number;
  besideRounding: number;
}

/**
 * The error estimate is a heuristic: trust it only up to this factor. Chosen from a sweep of
 * correct targets (see check.test.ts) as the smallest that never raised a false alarm, times 4.
 */
export const SAFETY = 16;

/**
 * An error estimate within this many times the rounding read off φ is noise, not a failure to
 * resolve: random rounding is read at about a third of its size (the reading bounds a staircase's
 * worst case), and extrapolation amplifies it a few times more, in two runs of steps that disagree
 * by it. The derivative is then below what the steps resolve (and a pass says so), not unknown.
 */
const NOISE = SAFETY * SAFETY;

/**
 * An agreement vouches for a derivative to within its tolerance, which the extrapolation's own
 * error makes SAFETY times itself: where that error is beyond what rounding explains and the
 * tolerance it makes beyond this share of the slope, a derivative off by less would agree as well
 * — no evidence that it is right. An oscillation the smallest steps barely resolve settles so:
 * sin(3.9·10⁹·x) with its vjp 1% off agreed within 5% (an error of 0.3%), and passed 22 of 284
 * seeded checks at 10⁹ ≤ w < 10¹⁰. Inconclusive, the probe is localised, and entries whose steps
 * resolve their slope fail. A tolerance that is rounding (a slope small beside its values, a
 * saturated unit's; float32 values differenced at steps of 2^-10) still agrees: nothing finer can
 * be read there, and a pass says how small it is (see Ledger.vague).
 */
const LOOSE = 2 ** -10;

/**
 * An error within this many times the rounding read is what rounding explains: noise is read at
 * about a third of its size, and a tableau amplifies it a little (the correct checks of the suite
 * that agree within 2^-10 of their slope err by 1.3 times their rounding at the 90th percentile). A
 * sine whose phase a step turns by a tenth of a radian erred by 15 times it, its tolerance 1% of
 * its slope.
 */
const ROUNDING_READ = 4;

/**
 * An analytic slope of a jump's sign, at least this share of the steepest slope the smallest step
 * could show (the jump over it) and this many times the jump over the entry's own length, is a
 * rise narrower than every step as well as a jump. A wrong gradient of a true jump is a slope the
 * size of the function's own, its jump over a tread about as long as the entry (floor(a / b) with
 * a / b's, 1/b: 10⁻¹⁰ of the slope over a float64 step, but 10⁻³ of it over float32's, whose steps
 * are 2^-10 of the entry); a steep tanh's right one is both far steeper than that and a sizeable
 * share of the rise over the step (tanh(w·(x − c)) at w ≥ 10¹⁰ within 5/w of its centre: 2.3·10⁻³
 * of it and more, 10⁵ times its jump over the entry and more).
 */
const RISE = 2 ** -20;
const STEEP = 2 ** 10;

/**
 * A derivative beside the slopes at a jump that a rise narrower than the steps would have (see
 * RISE): no evidence against it. Directions are in units of each entry's length (see
 * InputSpace.scale), so the jump itself is its slope over that length.
 */
function risesAcross(analytic: number, numeric: NumericDerivative): boolean {
  const slope = Math.abs(analytic);
  return analytic * numeric.jump > 0 && slope >= RISE * numeric.limit && slope >= STEEP * Math.abs(numeric.jump);
}

function loose({ error, rounding, central, secant }: NumericDerivative): boolean {
  return error > ROUNDING_READ * rounding && SAFETY * error > LOOSE * Math.max(Math.abs(central), secant);
}

/**
 * An inconclusive comparison that agrees within a tolerance short of the derivative itself: the
 * finite differences resolve it, only too loosely to vouch for it. Such an entry does not reproduce
 * a probe's disagreement (see standing in checkGradients), as one that could not tell would.
 */
export function agreesLoosely(c: Comparison): boolean {
  return c.verdict === 'inconclusive' && c.absError <= c.tolerance && c.tolerance < Math.abs(c.numeric);
}

/**
 * A disagreement the estimates themselves contradict is no evidence. A step's central quotient is
 * the mean of its one-sided ones: one-sided slopes whose mean breaks from the central value beyond
 * their errors read other runs or rows of steps, and where they bear out the analytic value, the
 * central one may be what aliased — sin(1.6·10⁹·x) at 0.85 read a central 0.0019 ± 0.85 beside
 * one-sided slopes of 3.31·10⁵ ± 300 along its direction, the right one. (An agreement stands: an
 * aliased value matching the analytic one to its tolerance is no chance worth a verdict.)
 */
function contradicted({ central, left, right, error, rounding, sidedError, sidedRounding }: NumericDerivative, analytic: number, fromAnalytic: number): boolean {
  const sides = (left + right) / 2;
  const sidedTolerance = SAFETY * ((sidedError + sidedRounding) / 2 + fromAnalytic);
  return Math.abs(central - sides) > SAFETY * (error + rounding) + sidedTolerance && Math.abs(analytic - sides) <= sidedTolerance;
}

/**
 * One-sided slopes apart by more than their own errors, though not SAFETY times them (a kink), and
 * the analytic value between them: the input may sit on a kink the steps do not resolve — a bend
 * as narrow as the steps looks like one — and the central value is then the kink's mean, no
 * evidence against a slope between them. softplus(w·(x − c))/w at w = 1.06·10⁹, 0.04/w past its
 * bend: its central quotients settled at steps of 330/w on the mean of a relu's slopes, 1.9% below
 * its own, beside one-sided slopes of 0.18 and 1.13 ± 0.1.
 */
function kinkAside({ left, right, sidedError, sidedRounding }: NumericDerivative, analytic: number): boolean {
  return Math.abs(left - right) > sidedError + sidedRounding && analytic > Math.min(left, right) && analytic < Math.max(left, right);
}

/**
 * Rounding in a vjp or jvp grows with the length of the computation behind it; identities that
 * need no finite differences (duality, linearity) are held to rounding, allowing this much growth.
 */
const ROUNDING_GROWTH = 1024;

/** How far an analytic value built from terms of total size `scale` may be off by rounding alone. */
function analyticRounding(scale: number, eps: number): number {
  return ROUNDING_GROWTH * eps * scale;
}

/**
 * How far two analytic values built from terms of total size `scale` may differ by rounding alone:
 * never 0, since no value is computed closer than the spacing of subnormal numbers (and a check
 * whose every value is 0 has a tolerance to state).
 */
export function roundingTolerance(scale: number, eps = 2 ** -53): number {
  return SAFETY * Math.max(analyticRounding(scale, eps), 2 ** -1074);
}

/**
 * Two values compared within a tolerance, with the verdict given (by default: agree within it,
 * fail beyond). A value or tolerance that overflowed cannot be compared: 'inconclusive' — no NaN or
 * infinity is ever taken for agreement.
 */
export function comparisonOf(
  where: Pick<Comparison, 'input' | 'index' | 'output' | 'quantity'>,
  analytic: number,
  numeric: number,
  tolerance: number,
  verdict?: Comparison['verdict'],
): Comparison {
  const absError = Math.abs(analytic - numeric);
  const largest = Math.max(Math.abs(analytic), Math.abs(numeric));
  const finite = Number.isFinite(absError) && Number.isFinite(tolerance);
  return {
    ...where,
    analytic,
    numeric,
    absError,
    relError: !finite ? 1 : largest === 0 ? 0 : absError / largest,
    tolerance,
    verdict: !finite ? 'inconclusive' : (verdict ?? (absError <= tolerance ? 'agree' : 'fail')),
  };
}

/**
 * Do the analytic value and the finite differences agree? The tolerance is what the numerics can
 * vouch for: the extrapolation error, the rounding in φ, and the rounding in the analytic value
 * (`analyticScale` is the size of the terms summed to make it). Where φ is not smooth the one-sided
 * derivatives speak: at a kink (they differ) or a jump (φ's value differs across the input), an
 * analytic value between them is 'nonsmooth' — a convention, not a bug. An estimate whose own
 * error, beyond what rounding explains, is as large as the value itself or φ's slope across the
 * steps vouches for nothing, agreement or disagreement: 'inconclusive' (its error is then no bound).
 */
export function judge(
  analytic: number,
  numeric: NumericDerivative,
  analyticScale: number,
  settings: Settings,
  where: Pick<Comparison, 'input' | 'index' | 'output' | 'quantity'>,
): Comparison {
  const { central, left, right } = numeric;
  const fromAnalytic = analyticRounding(analyticScale, settings.eps);
  const tolerance = settings.tolerance
    ? settings.tolerance.atol + settings.tolerance.rtol * Math.abs(central)
    : SAFETY * (numeric.error + numeric.rounding + numeric.tread + fromAnalytic);
  const compared = (value: number, within: number, verdict: Comparison['verdict'], extra: Partial<Comparison> = {}) =>
    ({ ...comparisonOf(where, analytic, value, within, verdict), ...extra });
  // φ rough at the smallest steps says nothing of its slope, nor of a jump or a kink
  if (numeric.rough) return compared(central, tolerance, 'inconclusive');
  // an analytic slope beyond any the smallest step could show, against estimates that did not
  // settle on time: an oscillation no step resolves, whose runs aliased alike by chance — into a
  // smooth slope, or into one-sided slopes that differ (sin(1.3·10¹²·x) at 2.5: 4.1e6 and 3.9e3)
  const beyondSteps = !numeric.crisp && Math.abs(analytic) > numeric.limit;
  const jump = Math.abs(numeric.jump) > SAFETY * (numeric.jumpError + 2 * numeric.noise);
  if (jump) {
    // φ jumps: its central quotients grow as 1/h and mean nothing; the slopes beside the jump do,
    // if they are resolved — an oscillation no step resolves can alias into a jump, not into slopes
    const { besideLeft: l, besideRight: r } = numeric;
    const sideTolerance = SAFETY * (numeric.besideError + numeric.besideRounding + fromAnalytic);
    const between = analytic >= Math.min(l, r) - sideTolerance && analytic <= Math.max(l, r) + sideTolerance;
    const sides = numeric.besideError > NOISE * numeric.besideRounding + Math.max(Math.abs(l), Math.abs(r), numeric.secant) / (2 * SAFETY);
    const verdict = sides ? 'inconclusive' : between ? 'nonsmooth' : risesAcross(analytic, numeric) ? 'inconclusive' : 'fail';
    return compared((l + r) / 2, sideTolerance, verdict, { oneSided: [l, r], jump: numeric.jump });
  }
  const absError = Math.abs(analytic - central);
  const sidedTolerance = SAFETY * (numeric.sidedError + numeric.sidedRounding + fromAnalytic);
  // a slope that jumps by less than ∛ε of itself is extrapolation noise, not a kink
  const slopeJump = Math.abs(left - right);
  const kink = slopeJump > sidedTolerance && slopeJump > Math.cbrt(settings.eps) * Math.max(Math.abs(left), Math.abs(right));
  if (kink) {
    const between = analytic >= Math.min(left, right) - sidedTolerance && analytic <= Math.max(left, right) + sidedTolerance;
    return compared(central, tolerance, absError <= tolerance || between ? 'nonsmooth' : beyondSteps ? 'inconclusive' : 'fail', { oneSided: [left, right] });
  }
  // resolved against the numeric value and φ's own slope, not the analytic: a wrong analytic value
  // makes no estimate better
  const unresolved = numeric.error > NOISE * numeric.rounding + Math.max(Math.abs(central), numeric.secant) / (2 * SAFETY);
  // beyond the steps, and not φ's own slope across them either: no evidence (a smooth φ's estimate is
  // its secant, and further runs of steps bear it out: a first run that aliased into a line over its
  // four steps, sin(3.8·10¹²·x) at 0.67, read -7.03 for a secant of 6.99, and runs that disagreed by 56)
  // — unless runs of steps never agreed: several can alias alike into such a line, and one further down read otherwise
  const smooth = !numeric.contested && Math.max(Math.abs(Math.abs(central) - numeric.secant), numeric.error) <= numeric.secant * 2 ** -6;
  const untestable = beyondSteps && !smooth;
  // one-sided slopes uncertain by more than the whole central value cannot tell its sign: φ's even
  // part is rougher than every step, as an oscillation faster than all of them is, whose central
  // quotients cancel to a small value where its slope is small, and settle there (sin(1.8·10¹¹·x)
  // where its cosine is 6e-4: 0.015 for 7.2e7, its sides -958 and -916 ± 1.1e8) — no evidence of a
  // disagreement. An agreement with the analytic value stands; so does a disagreement where the
  // sides resolve the slope to a few parts in a hundred (sin(4.9·10⁸·x) at ½, ± 8% of it).
  const sides = numeric.sidedError > NOISE * numeric.sidedRounding + Math.abs(central);
  if (!unresolved && !untestable && absError > tolerance && kinkAside(numeric, analytic)) return compared(central, tolerance, 'inconclusive', { oneSided: [left, right] });
  const verdict = unresolved || untestable ? 'inconclusive' : absError <= tolerance ? (loose(numeric) ? 'inconclusive' : 'agree') : sides || contradicted(numeric, analytic, fromAnalytic) ? 'inconclusive' : 'fail';
  return compared(central, tolerance, verdict);
}
