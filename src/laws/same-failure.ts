import fc from 'fast-check';
import { caseCode } from './cases.js';
import { LawViolation } from './violation.js';

/** A run's details, and the first failure of another kind that shrinking met and did not follow. */
export type SameFailureDetails<Ts> = fc.RunDetails<Ts> & { otherFailure: unknown };

/**
 * fc.check, except that shrinking follows only failures of the kind first found. fast-check shrinks
 * toward any failure, so a wrong vjp of a layer that divides by a norm shrinks to the all-zero
 * input, where the forward is NaN: the user would be shown a failure they may have meant to allow
 * instead of the bug they have. Runs twice: once to find the first failure, then again from its
 * path (no case is generated twice), shrinking with failures of other kinds counted as passes.
 */
export function checkSameFailure<Ts>(property: fc.IRawProperty<Ts, false>, params: fc.Parameters<Ts> = {}): SameFailureDetails<Ts> {
  const found = fc.check(property, { ...params, endOnFailure: true });
  if (!found.failed || found.counterexamplePath === null) return { ...found, otherFailure: undefined };
  const kind = failureKind(found.errorInstance);
  let otherFailure: unknown;
  const keeping: fc.IRawProperty<Ts, false> = {
    isAsync: () => false,
    generate: (random, runId) => property.generate(random, runId),
    shrink: (value) => property.shrink(value),
    run: (value) => {
      const outcome = property.run(value);
      if (outcome === null || outcome instanceof Error || failureKind(outcome.error) === kind) return outcome;
      otherFailure ??= outcome.error;
      return null;
    },
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
  };
  const shrunk = fc.check(keeping, { ...params, seed: found.seed, path: found.counterexamplePath });
  return { ...shrunk, numRuns: found.numRuns, numSkips: found.numSkips, otherFailure };
}

/**
 * Which failure an error is: a law's verdict and problem (a mismatch, a non-finite output, a throwing
 * vjp…), or for anything else the error's class.
 */
export function failureKind(error: unknown): string {
  if (error instanceof LawViolation) return `${error.law}: ${error.report?.verdict ?? 'violated'} ${error.report?.problem ?? ''}`;
  return error instanceof Error ? error.name : typeof error;
}

/** One line on the failure shrinking passed by, for a report's footnote. */
export function describeOtherFailure(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  const text = error instanceof LawViolation ? `${error.detail}, at ${caseCode(error.counterexample)}` : String(error);
  return `shrinking also met a different failure and did not follow it: ${text}`;
}
