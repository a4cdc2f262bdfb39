// The message a failing assertGradients throws, as a mocha or node:test user would read it.
import { assertGradients } from 'gradprop/assert';
import { wrongTanhLayer } from './layers.js';

try {
  assertGradients(wrongTanhLayer);
} catch (error) {
  process.stdout.write(error.message);
}
