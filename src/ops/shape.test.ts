import { describe, expect, test } from 'vitest';
import { ShapeError, tensor } from '../tensor/index.js';
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
