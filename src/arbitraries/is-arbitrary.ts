import type fc from 'fast-check';
import type { Tensor } from '../tensor/index.js';

/**
 * fast-check's own test for an arbitrary, by its methods: `instanceof fc.Arbitrary` would refuse
 * one made by another copy of fast-check (a user's own install beside gradprop's).
 */
export function isArbitrary(value: unknown): value is fc.Arbitrary<Tensor[]> {
  return ['generate', 'shrink', 'canShrinkWithoutContext'].every((key) => typeof (value as Record<string, unknown> | null)?.[key] === 'function');
}
