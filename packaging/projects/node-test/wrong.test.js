import { test } from 'node:test';
import { assertGradients } from 'gradprop/assert';
import { wrongTanhLayer } from './layers.js';

test('a wrong layer fails', () => {
  assertGradients(wrongTanhLayer);
});
