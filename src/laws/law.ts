import fc from 'fast-check';
import type { OpInputsOptions } from '../arbitraries/index.js';
import { type CheckOptions, ContractError, type Differentiable, type GradCheckReport, validated, verdictOf } from '../check/index.js';
import { Tensor } from '../tensor/index.js';
import { type Case, type Subject, casesOf } from './cases.js';
import { LawViolation } from './violation.js';
import { Coverage } from './coverage.js';

/** Options of every law: the checker's, how inputs are drawn, and a hook that sees every report. */
export interface LawOptions extends CheckOptions {
  /** How inputs are drawn from a domain (shape caps, kink margin, edge values). */
  draw?: OpInputsOptions;
  /** Sees every case's checker report, passing or not (a summary of how close cases came). */
  onReport?: (report: GradCheckReport) => void;
}

/**
 * A law about one case; `seed` drives its random directions. Throws a LawViolation when broken.
 * `target` is the case's target with every call validated: a law that calls the target itself
 * calls it through this, and a target that breaks its contract (returns no tensor, the wrong
 * shape, mutates, reuses a buffer) is reported as a violation naming the problem.
 */
export type LawBody = (c: Case, seed: number, options: LawOptions, target: Differentiable) => void;

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
      const copy = { ...c, inputs: c.inputs.map((x) => new Tensor(x.data.slice(), x.shape)) };
      let target: ReturnType<typeof validated> | undefined;
      try {
        target = validated(c.target, c.inputs.length);
        body(copy, seed, options, target);
      } catch (error) {
        throw brokenContract(law, c, error, options, target?.evaluations);
      }
    });
    return Object.assign(property, { law, coverage });
  };
}

/**
 * What a law's failure is: a contract the target broke (a ContractError from a validated call)
 * becomes a violation with the report checkGradients would give; what the target itself threw is
 * thrown on as it was, so that the CLI can point at the line that threw.
 */
function brokenContract(law: string, c: Case, error: unknown, options: LawOptions, evaluations = { forward: 0, vjp: 0, jvp: 0 }): unknown {
  if (!(error instanceof ContractError)) return error;
  if (error.problem === 'throws') return error.cause;
  const report: GradCheckReport = {
    target: c.target.name,
    verdict: verdictOf(error.problem),
    ok: false,
    mode: options.mode ?? 'auto',
    mismatches: [],
    problem: error.problem,
    evaluations: { ...evaluations },
    seed: options.seed ?? 0,
    message: error.message,
  };
  const detail = error.message.startsWith(`${c.target.name}: `) ? error.message.slice(c.target.name.length + 2) : error.message;
  return new LawViolation(law, c, detail, report);
}
