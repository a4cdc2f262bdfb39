import { callerFrame, subjectAt } from './call-site.js';
import { type GradientAssertionOptions, type GradientInputs, failureMessage, judgeGradients } from './judge.js';

/** The matcher as vitest and jest type it on `expect(subject)`. */
export interface GradientMatchers<R = unknown> {
  /**
   * The subject's vjp (and jvp) agree with finite differences: at these inputs, at generated ones,
   * or at ones drawn from its domain. With `.not`: the subject was checked and its gradients are
   * wrong (a subject that cannot be checked fails both).
   */
  toHaveCorrectGradients(inputs?: GradientInputs, options?: GradientAssertionOptions): R;
}

/** What expect hands a matcher: vitest's and jest's both say whether `.not` was used. */
export interface MatcherState {
  isNot?: boolean;
}

/** What a matcher returns to expect: whether the assertion held, and the message if it did not. */
export interface MatcherResult {
  pass: boolean;
  /** Why the assertion (or its negation) does not hold. */
  message: () => string;
}

/** `toHaveCorrectGradients` as expect.extend takes it. */
export type GradientMatcher = (this: MatcherState | void, received: unknown, inputs?: GradientInputs, options?: GradientAssertionOptions) => MatcherResult;

/**
 * `expect(subject).toHaveCorrectGradients(inputs?, options?)` for an expect that takes jest-style
 * matchers (vitest's, jest's): the matcher core, and `.not` meaning "checked, and wrong".
 */
export function gradientMatcher(runner: 'vitest' | 'jest'): GradientMatcher {
  return function toHaveCorrectGradients(this: MatcherState | void, received: unknown, inputs?: GradientInputs, options: GradientAssertionOptions = {}): MatcherResult {
    const negated = this?.isNot === true;
    const frame = callerFrame(toHaveCorrectGradients);
    const judgement = judgeGradients(received, inputs, options, { runner, site: () => frame && subjectAt(frame, { matcher: 'toHaveCorrectGradients' }) });
    // A subject that cannot be checked fails with or without .not: returning pass = negated does that.
    const pass = judgement.outcome === 'unchecked' ? negated : judgement.outcome === 'correct';
    return { pass, message: () => failureMessage(judgement, negated) };
  };
}
