/**
 * gradprop's vitest integration: importing this module registers the matcher — no setup code.
 *
 *   import 'gradprop/vitest';
 *   expect(myLayer).toHaveCorrectGradients(inputsOrArbitrary?, options?);
 */
import type fc from 'fast-check';
import { expect } from 'vitest';
import type { Tensor } from '../tensor/index.js';
import { type GradientMatcherOptions, toHaveCorrectGradients } from './matcher.js';

expect.extend({ toHaveCorrectGradients });

interface GradientMatchers<R = unknown> {
  /** The subject's vjp (and jvp) agree with finite differences: at these inputs, at generated ones, or at ones drawn from its domain. */
  toHaveCorrectGradients(inputs?: readonly Tensor[] | fc.Arbitrary<Tensor[]>, options?: GradientMatcherOptions): R;
}

declare module 'vitest' {
  interface Matchers<T = any> extends GradientMatchers<T> {}
}

export type { GradientMatcherOptions } from './matcher.js';
export { checkCase, gradTest, type GradTestOptions } from './gradTest.js';
export { pasteReadyTest } from './replay.js';
