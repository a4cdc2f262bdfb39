import { describe, expect, test } from 'vitest';
import { checkGradients } from '../check/index.js';
import { crossEntropy, gather, matmul, mul, reshape, sum, tanh } from '../ops/index.js';
import { Tensor, randn, tensor } from '../tensor/index.js';
import { asDifferentiable } from './index.js';

describe('asDifferentiable: an engine function as a checker target', () => {
  test('the feed-forward language model passes, with the ids left alone', () => {
    // h = tanh([e(c1); e(c2)] W1), loss = crossEntropy(h W2, target)
    const model = (embeddings: Tensor, w1: Tensor, w2: Tensor, context: Tensor, target: Tensor) => {
      const x = reshape(gather(embeddings, context), [context.shape[0]!, -1]);
      return crossEntropy(matmul(tanh(matmul(x, w1)), w2), target);
    };
    const target = asDifferentiable('language model', model, { nondifferentiable: [3, 4] });
    expect(target.nondifferentiable).toEqual([3, 4]);
    const inputs = [randn([5, 3], 1), randn([6, 4], 2), randn([4, 5], 3), tensor([[1, 1], [4, 0]]), tensor([2, 3])];
    const report = checkGradients(target, inputs, { mode: 'full' });
    expect(report.verdict, report.message).toBe('pass');
  });

  test('a function that slips a value past the engine is caught', () => {
    // The copy is made outside the ops, so the engine sees a constant and drops its contribution.
    const leaky = (x: Tensor) => sum(mul(tanh(x), new Tensor(Float64Array.from(x.data), x.shape)));
    const report = checkGradients(asDifferentiable('leaky', leaky), [randn([3], 4)], { mode: 'full' });
    expect(report.verdict).toBe('fail');
  });
});
