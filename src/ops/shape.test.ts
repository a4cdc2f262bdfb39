import { describe, expect, test } from 'vitest';
import { ShapeError, tensor, zeros } from '../tensor/index.js';
import { type SliceOptions, concat, reshape, slice, transpose } from './index.js';

const x = tensor([[1, 2, 3], [4, 5, 6]]);

describe('transpose', () => {
  test('reverses the axes by default, or follows a permutation', () => {
    expect(transpose(x).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const cube = tensor([[[0, 1], [2, 3]], [[4, 5], [6, 7]]]);
    expect(transpose(cube, [1, 2, 0]).toArray()).toEqual([[[0, 4], [1, 5]], [[2, 6], [3, 7]]]);
  });

  test('its vjp applies the inverse permutation', () => {
    const cube = tensor([[[0, 1, 2]]]);
    const y = transpose(cube, [2, 0, 1]);
    expect(y.shape).toEqual([3, 1, 1]);
    expect(transpose.vjp([cube], y, y, { axes: [2, 0, 1] })[0]!.toArray()).toEqual([[[0, 1, 2]]]);
  });

  test('axes that are not a permutation: a ShapeError', () => {
    expect(() => transpose(x, [0, 0])).toThrow(ShapeError);
    expect(() => transpose(x, [0, 0])).toThrow('transpose: expected axes that are a permutation of 0..1 for shape [2, 3]');
  });
});

describe('reshape', () => {
  test('shares the data, and resolves one -1', () => {
    const y = reshape(x, [3, -1]);
    expect(y.shape).toEqual([3, 2]);
    expect(y.data).toBe(x.data);
  });

  test('a shape of the wrong size: a ShapeError naming both', () => {
    expect(() => reshape(x, [4, 2])).toThrow('reshape: expected a shape of 6 elements');
    expect(() => reshape(x, [4, 2])).toThrow('got shape [4, 2]');
    expect(() => reshape(x, [-1, -1])).toThrow(ShapeError);
  });
});

describe('slice', () => {
  test('a range along one axis; its vjp pads with zeros', () => {
    const y = slice(x, { axis: 1, start: 1, end: 3 });
    expect(y.toArray()).toEqual([[2, 3], [5, 6]]);
    expect(slice.vjp([x], y, tensor([[1, 1], [1, 1]]), { axis: 1, start: 1, end: 3 })[0]!.toArray()).toEqual([[0, 1, 1], [0, 1, 1]]);
  });

  test('missing options: a TypeError naming the op', () => {
    expect(() => slice(x, undefined as unknown as SliceOptions)).toThrow('slice: expected options { axis, start, end? }, got undefined');
  });

  test('bounds outside the axis: a ShapeError', () => {
    expect(() => slice(x, { axis: 0, start: 1, end: 3 })).toThrow('slice: expected 0 ≤ start ≤ end ≤ 2 along axis 0 of shape [2, 3], got start 1, end 3');
  });
});

describe('concat', () => {
  test('joins along an axis; its vjp hands each input its part', () => {
    const y = concat([x, tensor([[7], [8]])], 1);
    expect(y.toArray()).toEqual([[1, 2, 3, 7], [4, 5, 6, 8]]);
    const parts = concat.vjp([x, tensor([[7], [8]])], y, y, { axis: 1 });
    expect(parts.map((p) => p!.toArray())).toEqual([x.toArray(), [[7], [8]]]);
  });

  test('sides that disagree off the axis: a ShapeError listing every shape', () => {
    expect(() => concat([x, tensor([1, 2])], 0)).toThrow('concat: expected tensors of equal rank whose sides agree except along axis 0, got [2, 3], [2]');
  });
});

describe('ops that change nothing share the data instead of copying it', () => {
  // Tensors are immutable, so a view is as good as a copy, and costs nothing (as reshape's does).
  const vector = tensor([1, 2, 3]);
  test.each([
    ['transpose by the identity', x, () => transpose(x, [0, 1])],
    ['transpose of a vector', vector, () => transpose(vector)],
    ['slice of a whole axis', x, () => slice(x, { axis: 1, start: 0, end: 3 })],
    ['concat of one tensor', x, () => concat([x], 0)],
  ] as const)('%s', (_, input, make) => {
    const y = make();
    expect(y.data).toBe(input.data);
    expect(y.shape).toEqual(input.shape);
  });
});

describe('empty tensors', () => {
  test('transpose of a matrix with no rows', () => {
    const empty = zeros([0, 3]);
    expect(transpose(empty).shape).toEqual([3, 0]);
    expect(transpose(zeros([2, 0, 3]), [0, 2, 1]).shape).toEqual([2, 3, 0]);
  });

  test('a slice may be empty; its vjp is all zeros', () => {
    const y = slice(x, { axis: 1, start: 1, end: 1 });
    expect(y.shape).toEqual([2, 0]);
    expect(slice.vjp([x], y, zeros([2, 0]), { axis: 1, start: 1, end: 1 })[0]!.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  test('reshape of an empty tensor to sides with a zero, without a free side', () => {
    expect(reshape(zeros([0]), [0, 3]).shape).toEqual([0, 3]);
    expect(reshape(zeros([2, 0]), [5, 0, 1]).shape).toEqual([5, 0, 1]);
  });
});

describe('reshape refuses, naming itself, every shape it cannot honour', () => {
  // Each of these would reach the Tensor constructor if reshape let it through: the message says who refused.
  test.each([
    ['sides below −1 whose product is right', x, [1, -2, -3]],
    ['a fractional side whose product is right', x, [4, 1.5]],
    ['two free sides of an empty tensor', zeros([0]), [-1, -1]],
  ] as const)('%s', (_, input, shape) => {
    expect(() => reshape(input, shape)).toThrow(
      `reshape: expected a shape of ${input.size} elements (sides ≥ 0, at most one -1) for input of shape [${input.shape.join(', ')}], got shape [${shape.join(', ')}]`,
    );
  });
});

describe('errors name the op that was called', () => {
  test.each([
    ['transpose with axes that are not an array', () => transpose(x, 1 as unknown as number[]),
      'transpose: expected axes that are a permutation of 0..1 for shape [2, 3], got axes a number (1)'],
    ['slice along an axis past the rank', () => slice(x, { axis: 2, start: 0 }), 'slice: expected an axis in [-2, 2) for shape [2, 3], got axis 2'],
    ['concat along an axis past the rank', () => concat([x, x], 2), 'concat: expected an axis in [-2, 2) for shape [2, 3], got axis 2'],
    // the rules, called directly with bad axes or a cotangent of the wrong rank, say whose rule failed
    ['transpose.vjp with bad axes', () => transpose.vjp([x], x, x, { axes: [0, 0] }),
      'transpose: expected axes that are a permutation of 0..1 for shape [2, 3], got axes an array of length 2 [0, 0]'],
    ['transpose.vjp with a cotangent of the wrong rank', () => transpose.vjp([x], x, tensor([1, 2]), { axes: [1, 0] }),
      'transpose: expected axes that are a permutation of 0..0 for shape [2], got axes an array of length 2 [1, 0]'],
    ['transpose.jvp with bad axes', () => transpose.jvp([x], x, [x], { axes: [1, 1] }),
      'transpose: expected axes that are a permutation of 0..1 for shape [2, 3], got axes an array of length 2 [1, 1]'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(ShapeError);
    expect(messageOf(call)).toBe(message);
  });
});

function messageOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
