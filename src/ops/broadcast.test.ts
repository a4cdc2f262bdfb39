import { describe, expect, test } from 'vitest';
import { ShapeError, tensor, zeros } from '../tensor/index.js';
import { broadcastShapes, broadcastTo, unbroadcast } from './broadcast.js';

describe('broadcastShapes', () => {
  test.each([
    [[[2, 3], [3]], [2, 3]],
    [[[2, 1], [1, 3]], [2, 3]],
    [[[4, 1, 3], [2, 1]], [4, 2, 3]],
    [[[], [2, 2]], [2, 2]],
    [[[1], []], [1]],
    // three shapes, the first two equal: the third still counts
    [[[2, 1], [2, 1], [1, 3]], [2, 3]],
  ] as const)('%j broadcast to %j', (shapes, expected) => {
    expect(broadcastShapes('add', ...shapes)).toEqual(expected);
  });

  test('names the op and both shapes when sides clash', () => {
    const error = (() => {
      try {
        broadcastShapes('mul', [2, 3], [4]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).op).toBe('mul');
    expect((error as ShapeError).message).toContain('[2, 3] and [4]');
  });

  test('a clash in the third of three shapes is found even when the first two are equal', () => {
    expect(() => broadcastShapes('add', [2, 3], [2, 3], [4])).toThrow('add: expected shapes that broadcast together');
  });
});

describe('unbroadcast, the gradient of broadcasting', () => {
  const g = tensor([[1, 2, 3], [4, 5, 6]]);
  test('sums over a leading axis that was added', () => {
    expect(unbroadcast(g, [3]).toArray()).toEqual([5, 7, 9]);
  });
  test('sums over a size-1 axis, keeping it', () => {
    expect(unbroadcast(g, [2, 1]).toArray()).toEqual([[6], [15]]);
  });
  test('sums everything into a scalar', () => {
    expect(unbroadcast(g, []).toArray()).toBe(21);
  });
  test('is the identity, without a copy, when nothing was broadcast; so is broadcastTo, an op, in value', () => {
    expect(unbroadcast(g, [2, 3])).toBe(g);
    expect(broadcastTo(g, [2, 3]).data).toEqual(g.data);
  });
  test('an empty tensor broadcasts to an empty one, and its gradient sums nothing', () => {
    const empty = zeros([1, 0]);
    expect(broadcastTo(empty, [2, 0]).shape).toEqual([2, 0]);
    expect(unbroadcast(zeros([3, 2, 0]), [2, 0]).shape).toEqual([2, 0]);
  });
  test('its result holds the sums and nothing else', () => {
    // compared as arrays, not as nested values: a stray property on the data would show here
    expect(unbroadcast(g, [1, 3]).data).toEqual(new Float64Array([5, 7, 9]));
  });
  test('undoes broadcastTo up to the repeat count', () => {
    const x = tensor([[1], [2]]);
    const spread = broadcastTo(x, [3, 2, 4]);
    expect(spread.shape).toEqual([3, 2, 4]);
    expect(unbroadcast(spread, [2, 1]).toArray()).toEqual([[12], [24]]);
  });
});
