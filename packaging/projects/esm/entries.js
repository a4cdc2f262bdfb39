// Plain Node, ES modules: every entry point imports, and each runs what it is for.
import assert from 'node:assert/strict';
import { Tensor, checkGradients, tanh, tensor } from 'gradprop';
import { tensorOf } from 'gradprop/arbitraries';
import { gradientsMatchFiniteDifferences } from 'gradprop/laws';
import { checkPower } from 'gradprop/power';
import { GradientAssertionError, assertGradients } from 'gradprop/assert';
import { gradientMatchers } from 'gradprop/jest';
import * as cli from 'gradprop/cli';
import fc from 'fast-check';
import { tanhLayer, wrongTanhLayer } from './layers.js';

const x = [tensor([0.3, -1.2, 2])];
assert.equal(checkGradients(tanhLayer, x).verdict, 'pass');
assert.equal(checkGradients(wrongTanhLayer, x).verdict, 'fail');
fc.assert(gradientsMatchFiniteDifferences(tanh, fc.tuple(tensorOf([3]))), { numRuns: 20 });
assert.ok(checkPower(tanhLayer, undefined, { numRuns: 20 }).perturbations.some((p) => p.caught));
assertGradients(tanhLayer, x);
assert.throws(() => assertGradients(wrongTanhLayer, x), (error) => error instanceof GradientAssertionError && error instanceof assert.AssertionError);
assert.equal(typeof gradientMatchers.toHaveCorrectGradients, 'function');
assert.equal(typeof cli.jsonText, 'function');
assert.ok(x[0] instanceof Tensor);
// gradprop/vitest needs vitest, its peer, and says so when it is missing.
await assert.rejects(import('gradprop/vitest'), /Cannot find package 'vitest'/);
console.log('every entry point imported and ran');
