import type { GradCheckReport } from '../check/index.js';
import { type Face, type GradientAssertionOptions, type GradientInputs, type Judgement, failureMessage, judgeGradients } from './judge.js';

type AssertionErrorClass = new (options: { message: string; operator?: string }) => Error;

/** Node's own AssertionError where there is one; a look-alike elsewhere (a browser has no node:assert). */
const AssertionErrorBase: AssertionErrorClass =
  ((globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:assert') as { AssertionError?: AssertionErrorClass } | undefined)?.AssertionError ??
  class AssertionError extends Error {
    readonly code = 'ERR_ASSERTION';
    readonly generatedMessage = false;
    readonly operator: string | undefined;
    constructor({ message, operator }: { message: string; operator?: string }) {
      super(message);
      this.name = 'AssertionError';
      this.operator = operator;
    }
  };

/**
 * What assertGradients throws: on Node an `assert.AssertionError` (code 'ERR_ASSERTION'), with the
 * formatted report as its message and what was found as fields.
 */
export class GradientAssertionError extends AssertionErrorBase {
  /** 'wrong': checked, and the gradients disagree with finite differences; 'unchecked': they could not be checked. */
  readonly outcome: 'wrong' | 'unchecked';
  /** The checker's report at the inputs, or at the shrunk counterexample, when there is one. */
  readonly report: GradCheckReport | undefined;

  /** @internal */
  constructor(judgement: Judgement) {
    super({ message: failureMessage(judgement, false), operator: 'assertGradients' });
    this.outcome = judgement.outcome === 'unchecked' ? 'unchecked' : 'wrong';
    this.report = judgement.report;
  }
}

/** The assertion every face that throws makes (assertGradients, gradTest). */
export function throwUnlessCorrect(subject: unknown, inputs: GradientInputs | undefined, options: GradientAssertionOptions, face: Face): void {
  const judgement = judgeGradients(subject, inputs, options, face);
  if (judgement.outcome !== 'correct') throw new GradientAssertionError(judgement);
}
