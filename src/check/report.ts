/** pass; fail (a gradient disagrees, or a broken contract); nonsmooth (at a kink, bracketed by the one-sided derivatives); error (the target could not be evaluated). */
export type Verdict = 'pass' | 'fail' | 'nonsmooth' | 'error';
/** auto: probes, then entries on a disagreement; fast: probes only; full: every entry of the Jacobian. */
export type Mode = 'auto' | 'fast' | 'full';

/** One comparison of an analytic derivative with its finite-difference estimate. */
export interface Comparison {
  /** Which input the entry belongs to; null when the value is a projection on random directions. */
  input: number | null;
  /** The entry's multi-index in that input (empty for a projection or a scalar input). */
  index: number[];
  /** Full mode: the output entry (the cotangent was its basis vector). Otherwise the cotangent was random. */
  output?: number[];
  /** What was compared: the vjp, the jvp, or the two against each other (duality). */
  quantity: 'vjp' | 'jvp' | 'duality';
  analytic: number;
  numeric: number;
  absError: number;
  relError: number;
  tolerance: number;
  verdict: 'agree' | 'nonsmooth' | 'fail';
  /** The one-sided derivatives [from the left, from the right], when they disagree (a kink). */
  oneSided?: [number, number];
  /** A projection that disagreed while no entry did on its own: not taken for a bug. */
  unconfirmed?: true;
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
  | 'bad-input'
  | 'mismatch';

/** What checkGradients found: the verdict, the comparison closest to failing, every disagreement, and what it cost. */
export interface GradCheckReport {
  target: string;
  verdict: Verdict;
  /** True for 'pass' and 'nonsmooth': a kink is not a bug. */
  ok: boolean;
  mode: Mode;
  /** The arithmetic the tolerance budgeted for (detected from the output unless given). */
  precision?: 'float64' | 'float32';
  /** The comparison closest to failing (or furthest past it). */
  worst?: Comparison;
  /** Every comparison that did not agree, localised to an entry where the mode allows. */
  mismatches: Comparison[];
  /** Set when the verdict comes from a broken contract rather than a numeric comparison. */
  problem?: Problem;
  evaluations: { forward: number; vjp: number; jvp: number };
  seed: number;
  message: string;
}
