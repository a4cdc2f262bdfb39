import { expect, test } from 'vitest';
import 'gradprop/vitest';
import { tensor } from 'gradprop';
import { tanhLayer, wrongTanhLayer } from './layers.js';

test('a correct layer passes, at generated and at given inputs', () => {
  expect(tanhLayer).toHaveCorrectGradients();
  expect(tanhLayer).toHaveCorrectGradients([tensor([0.3, -1.2])]);
});

test('a wrong layer is caught by .not', () => {
  expect(wrongTanhLayer).not.toHaveCorrectGradients();
});
