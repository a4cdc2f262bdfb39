import { describe, expect, test } from 'vitest';
import { ShapeError, tensor } from '../tensor/index.js';
import { crossEntropy, logSoftmax, mse, softmax } from './index.js';

describe('softmax and logSoftmax', () => {
  test('sum to one along the axis', () => {
    const y = softmax(tensor([[1, 2, 3], [0, 0, 0]]));
    expect(y.get(1, 0)).toBeCloseTo(1 / 3, 15);
    expect(y.get(0, 0) + y.get(0, 1) + y.get(0, 2)).toBeCloseTo(1, 15);
    expect(softmax(tensor([[1, 2], [1, 2]]), 0).toArray()).toEqual([[0.5, 0.5], [0.5, 0.5]]);
  });

  test('stable for logits of magnitude 1000', () => {
    const logits = tensor([1000, 999, -1000]);
    const logp = logSoftmax(logits);
    const expected = [-Math.log(1 + Math.exp(-1)), -1 - Math.log(1 + Math.exp(-1))];
    expect(logp.data[0]).toBeCloseTo(expected[0]!, 14);
    expect(logp.data[1]).toBeCloseTo(expected[1]!, 14);
    expect(logp.data[2]).toBeCloseTo(-2000 - Math.log(1 + Math.exp(-1)), 10);
    expect([...softmax(logits).data].every(Number.isFinite)).toBe(true);
    const [g] = logSoftmax.vjp([logits], logp, tensor([1, 0, 0]), { axis: -1 });
    expect([...g!.data].every(Number.isFinite)).toBe(true);
  });

  test('the max is found wherever it sits, so a large logit after a small one cannot overflow', () => {
    expect(softmax(tensor([0, 1000])).toArray()).toEqual([0, 1]);
    expect(logSoftmax(tensor([[-5, 800, 0]])).toArray()).toEqual([[-805, 0, -800]]);
    expect(softmax(tensor([[0], [1000]]), 0).toArray()).toEqual([[0], [1]]);
  });

  test.each([
    [() => softmax(tensor([[1, 2]]), 2), 'softmax: expected an axis in [-2, 2) for shape [1, 2], got axis 2'],
    [() => logSoftmax(tensor([[1, 2]]), -3), 'logSoftmax: expected an axis in [-2, 2) for shape [1, 2], got axis -3'],
  ])('an axis the logits do not have: a ShapeError naming the op (%#)', (call, message) => {
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(message);
  });

  test('softmax vjp: y (g − Σ g y), by hand for two classes', () => {
    const x = tensor([0, 0]);
    const [g] = softmax.vjp([x], softmax(x), tensor([1, 3]), { axis: -1 });
    expect(g!.toArray()).toEqual([-0.5, 0.5]);
  });
});

describe('crossEntropy', () => {
  test('the mean negative log probability of the right class', () => {
    const logits = tensor([[0, 0, 0, 0], [Math.log(3), 0, 0, 0]]);
    expect(crossEntropy(logits, tensor([1, 0])).item()).toBeCloseTo((Math.log(4) + Math.log(2)) / 2, 14);
  });

  test('its gradient is (softmax − one-hot) / batch', () => {
    const logits = tensor([[0, 0]]);
    const [g, gTargets] = crossEntropy.vjp([logits, tensor([1])], crossEntropy(logits, tensor([1])), tensor(2, []), undefined);
    expect(g!.toArray()).toEqual([[1, -1]]);
    expect(gTargets).toBeNull();
  });

  test('targets must name classes', () => {
    expect(() => crossEntropy(tensor([[0, 0]]), tensor([2]))).toThrow(
      'crossEntropy: target 2 at [0] is out of range: the logits of shape [1, 2] have 2 classes, so each target must be an integer in [0, 2)',
    );
    expect(() => crossEntropy(tensor([[0, 0]]), tensor([0, 1]))).toThrow(ShapeError);
  });
});

describe('mse', () => {
  test('the mean of squared differences; gradients ±2 (pred − target) / n', () => {
    const pred = tensor([1, 2]);
    const target = tensor([0, 4]);
    expect(mse(pred, target).item()).toBe(2.5);
    const [gp, gt] = mse.vjp([pred, target], mse(pred, target), tensor(1, []), undefined);
    expect(gp!.toArray()).toEqual([1, -2]);
    expect(gt!.toArray()).toEqual([-1, 2]);
  });

  test('different shapes: a ShapeError naming both', () => {
    expect(() => mse(tensor([1, 2]), tensor([1]))).toThrow('mse: expected pred and target of the same shape, got [2] and [1]');
  });
});
