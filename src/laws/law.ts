import fc from 'fast-check';
import type { OpInputsOptions } from '../arbitraries/index.js';
import type { CheckOptions, GradCheckReport } from '../check/index.js';
import { Tensor } from '../tensor/index.js';
import { type Case, type Subject, casesOf } from './cases.js';
import { Coverage } from './coverage.js';

/** Options of every law: the checker's, how inputs are drawn, and a hook that sees every report. */
export interface LawOptions extends CheckOptions {
  /** How inputs are drawn from a domain (shape caps, kink margin, edge values). */
  draw?: OpInputsOptions;
  /** Sees every case's checker report, passing or not (a summary of how close cases came). */
  onReport?: (report: GradCheckReport) => void;
}

/** A law about one case; `seed` drives its random directions. Throws a LawViolation when broken. */
export type LawBody = (c: Case, seed: number, options: LawOptions) => void;

/** A fast-check property over generated cases, that knows its name and what it covered. */
export type Law = fc.IPropertyWithHooks<[Case, number]> & { law: string; coverage: Coverage };

/** A law applied to a subject (a target, an op) and optional inputs: a property for fc.assert. */
export type LawFactory = (subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, options?: LawOptions) => Law;

/**
 * Make a law: a function from a subject (a target, an op) and optional inputs to a fast-check
 * property, usable with fc.assert in any test. Each run draws a case and a seed for the law's
 * random directions, so a counterexample replays exactly.
 */
export function defineLaw(law: string, body: LawBody): LawFactory {
  return (subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, options: LawOptions = {}): Law => {
    const coverage = new Coverage();
    const property = fc.property(casesOf(subject, inputs, options.draw), fc.nat(), (c, seed) => {
      coverage.record(c);
      // A copy: a target that mutates its inputs must not rewrite the generated values, which
      // fast-check goes on shrinking from.
      body({ ...c, inputs: c.inputs.map((x) => new Tensor(x.data.slice(), x.shape)) }, seed, options);
    });
    return Object.assign(property, { law, coverage });
  };
}
