/**
 * gradprop's jest face: requiring (or importing) this module registers the matcher on jest's global
 * `expect`. Where jest injects no globals, register it yourself:
 * `expect.extend(gradientMatchers)` with `expect` from '@jest/globals'.
 *
 *   require('gradprop/jest');
 *   expect(myLayer).toHaveCorrectGradients(inputsOrArbitrary?, options?);
 *
 * @module gradprop/jest
 */
import { type GradientMatcher, type GradientMatchers, gradientMatcher } from './matcher.js';

/** The matchers this face registers, for `expect.extend` by hand. */
export const gradientMatchers: { toHaveCorrectGradients: GradientMatcher } = { toHaveCorrectGradients: gradientMatcher('jest') };

const globalExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof globalExpect?.extend === 'function') globalExpect.extend(gradientMatchers);

// The global expect's types (@types/jest). With expect from '@jest/globals', add to a .d.ts of yours:
// declare module 'expect' { interface Matchers<R extends void | Promise<void>, T = unknown> extends GradientMatchers<R> {} }
declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends GradientMatchers<R> {}
  }
}

export type { GradientMatcher, GradientMatchers, MatcherResult, MatcherState } from './matcher.js';
export type { GradientAssertionOptions, GradientInputs, GradientSubject } from './judge.js';
