/// <reference types="jest" />
// The jest face's types: the matcher on jest's global expect (@types/jest).
import 'gradprop/jest';
import { tensor } from 'gradprop';
import { square } from './user.js';

test('matcher', () => {
  expect(square).toHaveCorrectGradients([tensor([0.5])], { numRuns: 1 });
  expect(square).not.toHaveCorrectGradients();
});
