import { expect, test } from 'vitest';
import 'gradprop/vitest';
import { wrongTanhLayer } from './layers.js';

test('a wrong layer fails', () => {
  expect(wrongTanhLayer).toHaveCorrectGradients();
});
