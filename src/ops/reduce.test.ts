import { describe, expect, test } from 'vitest';
import { ShapeError, tensor } from '../tensor/index.js';
import { type ReduceOptions, max, mean, sum } from './index.js';

const x = tensor([[1, 5, 3], [4, 2, 6]]);

describe('sum and mean', () => {
  test.each([
    [{}, 21, []],
    [{ keepdims: true }, [[21]], [1, 1]],
    [{ axis: 0 }, [5, 7, 9], [3]],
    [{ axis: -1 }, [9, 12], [2]],
    [{ axis: 1, keepdims: true }, [[9], [12]], [2, 1]],
  ] as const)('sum %j', (options, value, shape) => {
    const y = sum(x, options);
    expect(y.toArray()).toEqual(value);
    expect(y.shape).toEqual(shape);
  });

  test('mean divides by the count along the axis', () => {
    expect(mean(x).item()).toBe(3.5);
    expect(mean(x, { axis: 0 }).toArray()).toEqual([2.5, 3.5, 4.5]);
  });

  test('vjp spreads the cotangent over what was reduced', () => {
    const g = tensor([10, 20]);
    expect(sum.vjp([x], sum(x, { axis: 1 }), g, { axis: 1 })[0]!.toArray()).toEqual([[10, 10, 10], [20, 20, 20]]);
    expect(mean.vjp([x], mean(x, { axis: 1 }), tensor([3, 6]), { axis: 1 })[0]!.toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
  });

  test('an axis out of range is a ShapeError naming the op, the shape and the axis', () => {
    expect(() => sum(x, { axis: 2 })).toThrow(ShapeError);
    expect(() => sum(x, { axis: 2 })).toThrow('sum: expected an axis in [-2, 2) for shape [2, 3], got axis 2');
  });

  test('options that are not an object: a TypeError naming the op', () => {
    expect(() => mean(x, 1 as ReduceOptions)).toThrow('mean: expected options { axis?, keepdims? }, got a number (1)');
  });
});

describe('max', () => {
  test('along an axis, and overall', () => {
    expect(max(x, { axis: 1 }).toArray()).toEqual([5, 6]);
    expect(max(x, { axis: 0, keepdims: true }).toArray()).toEqual([[4, 5, 6]]);
    expect(max(x).item()).toBe(6);
  });

  test('its gradient goes to the winner only', () => {
    expect(max.vjp([x], max(x, { axis: 0 }), tensor([1, 2, 3]), { axis: 0 })[0]!.toArray()).toEqual([[0, 2, 0], [1, 0, 3]]);
    expect(max.jvp([x], max(x, { axis: 1 }), [tensor([[1, 2, 3], [4, 5, 6]])], { axis: 1 }).toArray()).toEqual([2, 6]);
  });

  test('its vjp holds the routed cotangent and nothing else', () => {
    // compared as an array, not as nested values: a stray property on the data would show here
    expect(max.vjp([x], max(x, { axis: 1 }), tensor([7, 9]), { axis: 1 })[0]!.data).toEqual(new Float64Array([0, 7, 0, 0, 0, 9]));
  });

  test.each([
    ['options that are not an object', () => max(x, 1 as ReduceOptions), 'max: expected options { axis?, keepdims? }, got a number (1)'],
    ['an axis out of range', () => max(x, { axis: 2 }), 'max: expected an axis in [-2, 2) for shape [2, 3], got axis 2'],
    // its rules, called directly with a bad axis, name it too
    ['vjp along an axis out of range', () => max.vjp([x], tensor([5, 6]), tensor([1, 1]), { axis: 2 }), 'max: expected an axis in [-2, 2) for shape [2, 3], got axis 2'],
    ['jvp along an axis out of range', () => max.jvp([x], tensor([5, 6]), [x], { axis: -3 }), 'max: expected an axis in [-2, 2) for shape [2, 3], got axis -3'],
  ])('%s: an error naming max', (_, call, message) => {
    expect(call).toThrow(message);
  });

  test('an empty axis has no max', () => {
    expect(() => max(tensor([], [2, 0]), { axis: 1 })).toThrow(ShapeError);
  });
});
