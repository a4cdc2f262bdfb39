import type { LawOptions } from '../laws/index.js';

/** One bug planted in the target's own vjp, and whether the test as configured finds it. */
export interface PerturbationResult {
  name: string;
  description: string;
  /** Whether any of the test's cases offered a place to plant it (a square gradient, a repeated id…). */
  applicable: boolean;
  caught: boolean;
  /** The case that first caught it, counting from 1. */
  casesToCatch?: number;
}

/** How strong a test is: each planted bug and whether it was caught, and what makes the test weak. */
export interface PowerReport {
  target: string;
  perturbations: PerturbationResult[];
  /** Sentences saying why the test is weaker than it should be, and what to change. */
  weaknesses: string[];
  /** No weakness: every applicable perturbation caught, and the inputs not degenerate. */
  ok: boolean;
}

/**
 * The test whose power is measured — the same options a user passes to toHaveCorrectGradients —
 * and how hard to look.
 */
export interface PowerOptions extends LawOptions {
  /** Cases per run (default 100, fast-check's default). */
  numRuns?: number;
  /** fast-check's seed for the cases (default: fast-check's global seed, else 0), so a report replays. */
  seed?: number;
  /** Relative sizes δ of the one-entry scalings by 1 + δ (default 1e-2, 1e-4, 1e-6). */
  scales?: readonly number[];
  /** Cases a missed perturbation is retried over, to tell too few runs from blind inputs (default 10 × numRuns). */
  extendedRuns?: number;
}
