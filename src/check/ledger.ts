import type { Comparison } from './report.js';

/** Every comparison a check makes: keeps the worst and the mismatches. */
export class Ledger {
  worst?: Comparison;
  mismatches: Comparison[] = [];
  count = 0;

  add(comparison: Comparison): Comparison {
    this.count++;
    this.worst = mostSevere(this.worst ? [this.worst, comparison] : [comparison]);
    if (comparison.verdict !== 'agree') this.mismatches.push(comparison);
    return comparison;
  }

  /** After verdicts were revised (unconfirmed probes): drop what now agrees, and re-rank. */
  revise(): void {
    this.mismatches = this.mismatches.filter((c) => c.verdict !== 'agree');
    this.worst = mostSevere(this.worst ? [this.worst, ...this.mismatches] : this.mismatches);
  }
}

const rank = { fail: 2, nonsmooth: 1, agree: 0 } as const;

export function mostSevere(comparisons: readonly Comparison[]): Comparison | undefined {
  return comparisons.reduce<Comparison | undefined>((worst, c) => (!worst || moreSevere(c, worst) ? c : worst), undefined);
}

/** Failures before kinks before agreements; within a verdict, further past the tolerance. */
export function moreSevere(a: Comparison, b: Comparison): boolean {
  if (a.verdict !== b.verdict) return rank[a.verdict] > rank[b.verdict];
  return excessOf(a) > excessOf(b);
}

/** How far past its tolerance a comparison is: above 1 it disagrees. */
export function excessOf(c: Comparison): number {
  return c.tolerance > 0 ? c.absError / c.tolerance : c.absError > 0 ? Infinity : 0;
}
