import { test } from 'vitest';
import { callerFrame, subjectAt } from './call-site.js';
import { throwUnlessCorrect } from './assertion-error.js';
import type { GradientAssertionOptions, GradientInputs, GradientSubject } from './judge.js';

/** Options of a gradTest: the matcher's, and the test's timeout. */
export interface GradTestOptions extends GradientAssertionOptions {
  /** The test's timeout in milliseconds (vitest's default otherwise). */
  timeout?: number;
}

/**
 * A vitest test of its own that checks a subject's gradients — a Differentiable, an op, a layer
 * ({ forward, backward }) or a function of tensors — as `expect(subject).toHaveCorrectGradients`
 * would: at the given tensors, at cases from an arbitrary of input lists, or from its domain.
 */
export function gradTest(name: string, subject: GradientSubject, inputs?: GradientInputs, { timeout, ...options }: GradTestOptions = {}): void {
  const frame = callerFrame(gradTest);
  const site = () => frame && subjectAt(frame, { callee: 'gradTest', argument: 1 });
  test(name, () => throwUnlessCorrect(subject, inputs, options, { runner: 'vitest', site }), timeout);
}
