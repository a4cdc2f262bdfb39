/**
 * How a user checks the second order of their op in vitest: the same matcher, with { order: 2 }.
 * softplus's derivative σ comes from gradprop's sigmoid in one, from a hand-written logistic op
 * with a wrong derivative in the other: only the second order tells them apart.
 */
import { describe, expect, test } from 'vitest';
import 'gradprop/vitest';
import { layerNorm } from './layernorm.js';
import { softplus } from './softplus.js';
import { softplusWithSlip } from './softplus-buggy.js';

describe('softplus, second order', () => {
  test('has correct gradients of its gradients', () => {
    expect(softplus).toHaveCorrectGradients(undefined, { order: 2, numRuns: 30 });
  });

  test('the twin whose σ′ is taken as 1 − σ² passes order 1 and fails order 2, naming it, with a replay that keeps the order', () => {
    expect(softplusWithSlip).toHaveCorrectGradients(undefined, { numRuns: 30 });
    const failure = () => expect(softplusWithSlip).toHaveCorrectGradients(undefined, { order: 2 });
    expect(failure).toThrow(/to have correct gradients, but second order \(the vjp as a function of the inputs and the cotangent, which is input 1\): (vjp|jvp) wrong at input 0/);
    expect(failure).toThrow(/replay: toHaveCorrectGradients\(undefined, \{ seed: -?\d+, path: "[\d:]+", order: 2 \}\)/);
    expect(failure).toThrow(/toHaveCorrectGradients\(\[tensor\(.*\)\], \{ seed: \d+, order: 2 \}\)/);
  });

  test('layerNorm, whose rules are raw loops and say higherOrder: false, is an error at order 2 that names it', () => {
    expect(() => expect(layerNorm).toHaveCorrectGradients(undefined, { order: 2 })).toThrow(/layerNorm: its vjp rule is not built from ops \(its definition says higherOrder: false\)/);
  });
});
