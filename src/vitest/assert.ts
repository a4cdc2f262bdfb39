/**
 * gradprop's runner-agnostic face, for node:test, mocha and any runner that fails a test on a
 * thrown error: `assertGradients(subject, inputs?, options?)`.
 *
 * @module gradprop/assert
 */
import { throwUnlessCorrect } from './assertion-error.js';
import { callerFrame, subjectAt } from './call-site.js';
import type { GradientAssertionOptions, GradientInputs, GradientSubject } from './judge.js';

export { GradientAssertionError } from './assertion-error.js';
export type { GradientAssertionOptions, GradientInputs, GradientSubject } from './judge.js';

/**
 * Throws a GradientAssertionError unless the subject's gradients agree with finite differences: at
 * the given tensors, at cases drawn from an arbitrary of input lists, or — with neither — at cases
 * drawn from its domain. The subject is a Differentiable, an op, a layer ({ forward, backward }) or a
 * function of tensors built from ops. A failure's message ends with a node:test test that checks the
 * shrunk counterexample.
 */
export function assertGradients(subject: GradientSubject, inputs?: GradientInputs, options: GradientAssertionOptions = {}): void {
  const frame = callerFrame(assertGradients);
  throwUnlessCorrect(subject, inputs, options, { runner: 'node:test', site: () => frame && subjectAt(frame, { callee: 'assertGradients', argument: 0 }) });
}
