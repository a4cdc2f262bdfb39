import type { Comparison } from './report.js';

/** Every comparison a check makes: keeps the worst and the mismatches. */
export class Ledger {
  worst?: Comparison;
  mismatches: Comparison[] = [];
  count = 0;
  /** The agreement closest to its tolerance, for the worst when every mismatch is revised away. */
  private agreeing?: Comparison;
  /**
   * Agreements with finite differences that 0 would have passed as well: derivatives smaller than
   * what the finite differences resolve (a flat stretch of a function computed from large
   * intermediates). How many, and the largest tolerance among them.
   */
  vague = { count: 0, tolerance: 0 };
  /** Probes' disagreements revised to agreements: no entry reproduced them (see revise). */
  unconfirmed = 0;

  add(comparison: Comparison): Comparison {
    this.count++;
    this.worst = mostSevere(this.worst ? [this.worst, comparison] : [comparison]);
    if (comparison.verdict !== 'agree') this.mismatches.push(comparison);
    else {
      this.agreeing = mostSevere(this.agreeing ? [this.agreeing, comparison] : [comparison]);
      if (isVague(comparison)) {
        this.vague.count++;
        this.vague.tolerance = Math.max(this.vague.tolerance, comparison.tolerance);
      }
    }
    return comparison;
  }

  /**
   * After verdicts were revised (unconfirmed probes): drop what now agrees, and re-rank. A revised
   * probe whose values overflowed had no tolerance to speak of: it is not the worst.
   */
  revise(): void {
    const revised = this.mismatches.filter((c) => c.verdict === 'agree' && Number.isFinite(c.tolerance));
    this.unconfirmed += this.mismatches.filter((c) => c.unconfirmed).length;
    this.mismatches = this.mismatches.filter((c) => c.verdict !== 'agree');
    this.worst = mostSevere([...this.mismatches, ...revised, ...(this.agreeing ? [this.agreeing] : [])]) ?? this.worst;
  }
}

function isVague(comparison: Comparison): boolean {
  const { analytic, numeric, tolerance } = comparison;
  return withDifferences(comparison) && (analytic !== 0 || numeric !== 0) && Math.abs(analytic) <= tolerance && Math.abs(numeric) <= tolerance;
}

/** Failures first; then what could not be resolved, kinks and jumps, agreements. */
const rank = { fail: 3, inconclusive: 2, nonsmooth: 1, agree: 0 } as const;

export function mostSevere(comparisons: readonly Comparison[]): Comparison | undefined {
  return comparisons.reduce<Comparison | undefined>((worst, c) => (!worst || moreSevere(c, worst) ? c : worst), undefined);
}

/**
 * By rank (see above); within a verdict, further past the tolerance; as far, a comparison with
 * finite differences before an identity (duality, linearity): of a pass, it is what the message
 * speaks of (two zeros agree exactly either way).
 */
export function moreSevere(a: Comparison, b: Comparison): boolean {
  if (a.verdict !== b.verdict) return rank[a.verdict] > rank[b.verdict];
  const [x, y] = [excessOf(a), excessOf(b)];
  return x > y || (x === y && withDifferences(a) && !withDifferences(b));
}

function withDifferences({ quantity }: Comparison): boolean {
  return quantity === 'vjp' || quantity === 'jvp';
}

/** How far past its tolerance a comparison is: above 1 it disagrees. */
export function excessOf(c: Pick<Comparison, 'absError' | 'tolerance'>): number {
  return c.tolerance > 0 ? c.absError / c.tolerance : c.absError > 0 ? Infinity : 0;
}
