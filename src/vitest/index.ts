/**
 * gradprop's vitest face: importing this module registers the matcher — vitest is all it needs.
 *
 *   import 'gradprop/vitest';
 *   expect(myLayer).toHaveCorrectGradients(inputsOrArbitrary?, options?);
 *
 * @module gradprop/vitest
 */
import { expect } from 'vitest';
import { type GradientMatchers, gradientMatcher } from './matcher.js';

expect.extend({ toHaveCorrectGradients: gradientMatcher('vitest') });

// The matcher returns nothing (void, not T): then it types the same on vitest's jest-compatible
// assertion, which a project that also has @types/jest and gradprop/jest extends.
declare module 'vitest' {
  interface Matchers<T = any> extends GradientMatchers<void> {}
}

export type { GradientMatchers } from './matcher.js';
export type { GradientAssertionOptions, GradientInputs, GradientSubject } from './judge.js';
export { gradTest, type GradTestOptions } from './grad-test.js';
