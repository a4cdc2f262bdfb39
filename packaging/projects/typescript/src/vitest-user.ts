// The vitest face's types: the matcher on vitest's expect, gradTest.
import { expect, test } from 'vitest';
import { gradTest } from 'gradprop/vitest';
import { tanh, tensor } from 'gradprop';
import { tensorOf } from 'gradprop/arbitraries';
import fc from 'fast-check';
import { Scale, square } from './user.js';

test('matcher', () => {
  expect(square).toHaveCorrectGradients();
  expect(new Scale(2)).toHaveCorrectGradients(fc.tuple(tensorOf([3])), { numRuns: 20 });
  expect(tanh).not.toHaveCorrectGradients([tensor([1])], { seed: 1 });
});
gradTest('square', square, undefined, { numRuns: 20, timeout: 10_000 });
