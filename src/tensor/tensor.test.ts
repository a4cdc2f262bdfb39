import { describe, expect, test } from 'vitest';
import { Rng, ShapeError, Tensor, full, isTensor, ones, randn, scalar, tensor, uniform, unravelIndex, ravelIndex, zeros } from './index.js';

describe('tensor()', () => {
  test('reads nested arrays row-major', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.get(1, 0)).toBe(4);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  test('reads flat values with a shape, and a number as a scalar', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).get(2, 1)).toBe(6);
    expect(tensor(7).shape).toEqual([]);
    expect(tensor(7).item()).toBe(7);
    expect(scalar(2).get()).toBe(2);
  });

  test('names the problem with ragged, mis-sized or non-numeric values', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: expected rectangular nested arrays \(every row of shape \[2\]\), got a row of shape \[1\]/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: expected 4 values for shape \[2, 2\], got 3 values/);
    expect(() => tensor([[1, 2]], [2, 1])).toThrow(ShapeError);
    expect(() => tensor(['a'] as unknown as number[])).toThrow(/tensor: expected a number or nested arrays of numbers, got a string/);
    expect(() => zeros([2, -1])).toThrow(/zeros|full: expected a shape of non-negative integers/);
  });
});

describe('Tensor', () => {
  test('checks its data against its shape, and keeps its own copy of the shape', () => {
    expect(() => new Tensor(new Float64Array(5), [2, 3])).toThrow(/Tensor: expected 6 values for shape \[2, 3\], got 5 values/);
    const shape = [2, 1];
    const t = new Tensor(new Float64Array(2), shape);
    shape[0] = 7;
    expect(t.shape).toEqual([2, 1]);
  });

  test('get checks the index against the shape', () => {
    const t = zeros([2, 3]);
    expect(() => t.get(2, 0)).toThrow(/Tensor.get: expected an index within shape \[2, 3\], got \[2, 0\]/);
    expect(() => t.get(1)).toThrow(/an index of 2 coordinates/);
    expect(() => t.item()).toThrow(/Tensor.item: expected a tensor of size 1, got shape \[2, 3\]/);
  });

  test('ravelIndex and unravelIndex are inverse', () => {
    const shape = [3, 1, 4];
    for (let offset = 0; offset < 12; offset++) expect(ravelIndex('test', unravelIndex(offset, shape), shape)).toBe(offset);
  });

  test('isTensor recognises a tensor from another copy of the class, and nothing else', () => {
    expect(isTensor(ones([2]))).toBe(true);
    expect(isTensor({ shape: [2], data: new Float64Array(2) })).toBe(true);
    expect(isTensor({ shape: [3], data: new Float64Array(2) })).toBe(false);
    expect(isTensor({ shape: [2], data: [0, 0] })).toBe(false);
    expect(isTensor(null)).toBe(false);
  });

  test('prints as the code that makes it, exact to the last bit', () => {
    for (const t of [tensor([[0.1, -0], [1 / 3, -2e-308]]), scalar(Math.PI), zeros([2, 0]), tensor([], [0]), tensor([[[1e300]]])]) {
      const text = String(t);
      const back = new Function('tensor', `return ${text}`)(tensor) as Tensor;
      expect(back.shape).toEqual(t.shape);
      expect([...back.data].map((v) => Object.is(v, -0) ? '-0' : v)).toEqual([...t.data].map((v) => Object.is(v, -0) ? '-0' : v));
    }
    expect(String(tensor([[0.1, -0]]))).toBe('tensor([[0.1, -0]])');
  });

  test('full, zeros and ones fill', () => {
    expect([...full([2, 2], 3).data]).toEqual([3, 3, 3, 3]);
    expect([...ones([3]).data]).toEqual([1, 1, 1]);
  });
});

describe('seeded randomness', () => {
  test('the same seed gives the same tensor; another seed another', () => {
    expect([...randn([5], 1).data]).toEqual([...randn([5], 1).data]);
    expect([...randn([5], 1).data]).not.toEqual([...randn([5], 2).data]);
    expect([...uniform([5], 3, -2, 2).data]).toEqual([...uniform([5], 3, -2, 2).data]);
  });

  test('randn is standard normal and uniform stays in range', () => {
    const n = randn([20_000], 4).data;
    const mean = n.reduce((a, b) => a + b) / n.length;
    const variance = n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const u = uniform([20_000], 5, -2, 3).data;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(u.filter((x) => x < 0.5).length / u.length).toBeCloseTo(0.5, 1);
  });

  test('Rng.bits is the generator’s own draw: next() is the low 26 bits of one over 2^26 and the low 27 of the next over 2^53', () => {
    const [a, b] = [new Rng(4), new Rng(4)];
    for (let k = 0; k < 1000; k++) {
      const [high, low] = [a.bits(), a.bits()];
      expect((high & (2 ** 26 - 1)) * 2 ** -26 + (low & (2 ** 27 - 1)) * 2 ** -53).toBe(b.next());
    }
  });

  test('Rng.int covers [low, high) and rejects a non-integer seed', () => {
    const rng = new Rng(9);
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4]);
    expect(() => new Rng(0.5)).toThrow(/expected an integer seed, got 0.5/);
  });
});
