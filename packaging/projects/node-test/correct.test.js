import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from 'gradprop';
import { GradientAssertionError, assertGradients } from 'gradprop/assert';
import { tanhLayer, wrongTanhLayer } from './layers.js';

test('a correct layer passes, at generated and at given inputs', () => {
  assertGradients(tanhLayer);
  assertGradients(tanhLayer, [tensor([0.3, -1.2])]);
});

test('a wrong layer throws an AssertionError carrying the report', () => {
  assert.throws(() => assertGradients(wrongTanhLayer), (error) => {
    assert.ok(error instanceof assert.AssertionError && error instanceof GradientAssertionError);
    assert.equal(error.code, 'ERR_ASSERTION');
    assert.equal(error.outcome, 'wrong');
    assert.equal(error.report?.verdict, 'fail');
    assert.match(error.message, /^expected wrongTanhLayer to have correct gradients, but vjp wrong at input 0/);
    return true;
  });
});
