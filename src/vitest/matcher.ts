import type { Tensor } from '../tensor/index.js';
import { callerFrame, subjectAt } from './call-site.js';
import { type GradientAssertionOptions, type GradientInputs, failureMessage, judgeGradients } from './judge.js';
import type fc from 'fast-check';

/** The matcher as vitest and jest type it on `expect(subject)`. */
export interface GradientMatchers<R = unknown> {
  /**
   * The subject's vjp (and jvp) agree with finite differences: at these inputs, at generated ones,
   * or at ones drawn from its domain. With `.not`: the subject was checked and its gradients are
   * wrong (a subject that cannot be checked fails both).
   */
  toHaveCorrectGradients(inputs?: readonly Tensor[] | fc.Arbitrary<Tensor[]>, options?: GradientAssertionOptions): R;
}

/** What expect hands a matcher: vitest's and jest's both say whether `.not` was used. */
interface MatcherState {
  isNot?: boolean;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * `expect(subject).toHaveCorrectGradients(inputs?, options?)` for an expect that takes jest-style
 * matchers (vitest's, jest's): the matcher core, and `.not` meaning "checked, and wrong".
 */
export function gradientMatcher(runner: 'vitest' | 'jest') {
  return function toHaveCorrectGradients(this: MatcherState | void, received: unknown, inputs?: GradientInputs, options: GradientAssertionOptions = {}): MatcherResult {
    const negated = this?.isNot === true;
    const frame = callerFrame(toHaveCorrectGradients);
    const judgement = judgeGradients(received, inputs, options, { runner, site: () => frame && subjectAt(frame, { matcher: 'toHaveCorrectGradients' }) });
    // A subject that cannot be checked fails with or without .not: returning pass = negated does that.
    const pass = judgement.outcome === 'unchecked' ? negated : judgement.outcome === 'correct';
    return { pass, message: () => failureMessage(judgement, negated) };
  };
}
