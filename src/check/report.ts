/**
 * What a check concludes.
 * - `pass`: every comparison agrees with finite differences.
 * - `fail`: the target is wrong — a derivative disagrees, or the target broke its contract in a way
 *   that is a bug of its own (wrong gradients returned, mutation, nondeterminism, aliased outputs).
 * - `nonsmooth`: the target is not differentiable at the input (a kink, or a jump in value), and
 *   the analytic value is one the one-sided derivatives allow: a convention, not a bug.
 * - `inconclusive`: the check could establish neither agreement nor disagreement — the finite
 *   differences do not settle at any usable step (oscillation faster than any step, noise), or
 *   entries beside kinks and jumps could not be judged apart from them. Its message says what was
 *   measured and what would resolve it (other inputs, another precision, larger options).
 * - `error`: the check could not judge any derivative — the inputs, options or target are
 *   malformed, forward is unusable at the input, or a derivative threw or returned no tensor.
 *   A derivative that throws is still a bug of the target: `ok` is false.
 * Only `pass` and `nonsmooth` are ok.
 */
export type Verdict = 'pass' | 'fail' | 'nonsmooth' | 'inconclusive' | 'error';
/** auto: probes, then entries on a disagreement; fast: probes only; full: every entry of the Jacobian. */
export type Mode = 'auto' | 'fast' | 'full';

/** One comparison of an analytic derivative with its finite-difference estimate (or with another analytic value). */
export interface Comparison {
  /** Which input the entry belongs to; null when the value is a projection on random directions. */
  input: number | null;
  /** The entry's multi-index in that input (empty for a projection or a scalar input). */
  index: number[];
  /** Full mode: the output entry (the cotangent was its basis vector). Otherwise the cotangent was random. */
  output?: number[];
  /**
   * What was compared: the vjp or the jvp with finite differences, the two against each other
   * (duality), or a derivative against itself at a combination of probes (linearity:
   * vjp(a·v₁ + b·v₂) = a·vjp(v₁) + b·vjp(v₂), likewise for the jvp).
   */
  quantity: 'vjp' | 'jvp' | 'duality' | 'vjp linearity' | 'jvp linearity';
  analytic: number;
  numeric: number;
  absError: number;
  relError: number;
  tolerance: number;
  /** 'inconclusive': the finite differences could not tell agreement from disagreement. */
  verdict: 'agree' | 'nonsmooth' | 'fail' | 'inconclusive';
  /** The one-sided derivatives [from the left, from the right], when they disagree (a kink) or at a jump. */
  oneSided?: [number, number];
  /** At a discontinuity: how far the value jumps across the input, lim φ(h) − φ(−h). */
  jump?: number;
  /** A projection that disagreed while no entry did on its own: not taken for a bug. */
  unconfirmed?: true;
  /** Set when the comparison was a significance test on noisy arithmetic (see Statistics). */
  statistics?: Statistics;
}

/**
 * A derivative read off many samples of a noisy forward (float32 arithmetic, or a forward noisier
 * than its arithmetic): the numeric value is the analytic one plus the slope of the residual
 * R(t) = φ(t) − ⟨g, Δ(t)⟩ at 0, fitted by least squares on a window [−T, T] along the direction.
 * The tolerance is the allowance for the analytic value's own rounding plus `threshold` standard
 * errors: a disagreement beyond it is significant, one within it is not evidence of agreement
 * unless it is also small (see the verdicts).
 */
export interface Statistics {
  /** Standard error of the numeric derivative, read off the scatter of the samples (floored at the outputs' quantisation). */
  standardError: number;
  /** How many standard errors the disagreement lies beyond the allowance for rounding; failing takes more than `threshold`. */
  z: number;
  threshold: number;
  /** The noise of one sample of φ about the fitted curve (absolute): the forward's own rounding there. */
  noise: number;
  /** The window's half-width T, in units of each entry's scale, and the samples fitted in it. */
  halfWidth: number;
  samples: number;
  /**
   * Why no window could be read, when none could: what the samples showed instead of a smooth curve
   * plus noise — or why what one read is no evidence (samples scattered beyond any rounding).
   */
  misfit?: string;
}

/** A broken contract found before or instead of any numeric comparison. */
export type Problem =
  | 'throws'
  | 'not-a-tensor'
  | 'non-finite-output'
  | 'non-finite-gradient'
  | 'gradient-count'
  | 'gradient-shape'
  | 'mutation'
  | 'nondeterminism'
  /** forward, vjp or jvp returned a buffer it returned before, overwritten since. */
  | 'aliased-output'
  | 'bad-input'
  /** The target is not a Differentiable, or its declarations do not fit the inputs. */
  | 'bad-target'
  /** An option is not one checkGradients knows how to use. */
  | 'bad-options'
  | 'mismatch'
  /** Order 2 was asked of a target without a second-order rule (vjpTarget), or with a broken one. */
  | 'no-second-order';

/** What checkGradients found: the verdict, the comparison closest to failing, every disagreement, and what it cost. */
export interface GradCheckReport {
  target: string;
  verdict: Verdict;
  /** True for 'pass' and 'nonsmooth': a kink is not a bug. */
  ok: boolean;
  mode: Mode;
  /**
   * The arithmetic the check budgeted for: given, or read off the forward's measured noise (see
   * `noise`) — float32 when the forward is noisy and its values are float32 values, float64 when it
   * is as quiet as float64 (an exact 2x on float32 inputs included).
   */
  precision?: 'float64' | 'float32';
  /**
   * The forward's noise as measured along the first probe, relative to the size of ⟨v, f⟩'s terms
   * (about 1e-16 in float64, 1e-8 in float32). Set when it was measured (precision 'auto'). A
   * float64 forward noisier than float64 rounding is judged statistically at this noise.
   */
  noise?: number;
  /** How the derivatives were judged: against finite differences with a derived tolerance, or by a significance test on many samples (noisy arithmetic). */
  method?: 'finite differences' | 'statistical';
  /** The comparison closest to failing (or furthest past it). */
  worst?: Comparison;
  /** Every comparison that did not agree, localised to an entry where the mode allows. */
  mismatches: Comparison[];
  /** Set when the verdict comes from a broken contract rather than a numeric comparison. */
  problem?: Problem;
  /** Calls of the target's forward, vjp and jvp; with order 2, also of its second-order rule (vjpTarget's vjp and jvp). */
  evaluations: { forward: number; vjp: number; jvp: number; secondOrder?: number };
  /**
   * With `{ order: 2 }`: the order the verdict speaks for — 1 when first order already failed, else
   * 2, and then `worst` and `mismatches` are the second order's, whose inputs are [...inputs, cotangent].
   */
  order?: 1 | 2;
  seed: number;
  message: string;
}
