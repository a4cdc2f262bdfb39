import { describe, expect, test } from 'vitest';
import { ShapeError, Tensor, randn, tensor } from '../tensor/index.js';
import { matmul } from './index.js';
import { matmulInto, matmulNnInto, matmulTnInto } from './matmul-kernel.js';

/** The textbook triple loop: slow and obviously right. */
function naive(a: Tensor, b: Tensor): number[] {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p]! * b.data[p * n + j]!;
      out.push(s);
    }
  }
  return out;
}

function transpose(x: Tensor): Tensor {
  const [r, c] = x.shape as [number, number];
  return new Tensor(Float64Array.from({ length: r * c }, (_, i) => x.data[(i % r) * c + Math.floor(i / r)]!), [c, r]);
}

describe('matmul', () => {
  test('a 2x2 product by hand', () => {
    expect(matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).toArray()).toEqual([[19, 22], [43, 50]]);
  });

  // sizes on both sides of the 4x4 blocks, so the ragged edges are exercised too
  test.each([[1, 1, 1], [4, 4, 4], [5, 3, 7], [8, 9, 6], [13, 2, 11]])('%i x %i times %i matches the triple loop', (m, k, n) => {
    const a = randn([m, k], m);
    const b = randn([k, n], n + 100);
    const c = matmul(a, b);
    expect(c.shape).toEqual([m, n]);
    [...c.data].forEach((v, i) => expect(v).toBeCloseTo(naive(a, b)[i]!, 12));
  });

  // a has 128 rows or more: the product transposes b and reads both along rows (matmulInto)
  test.each([[128, 5, 7], [131, 6, 9]])('%i x %i times %i (the many-rows layout) matches the triple loop', (m, k, n) => {
    const a = randn([m, k], m);
    const b = randn([k, n], n + 100);
    [...matmul(a, b).data].forEach((v, i) => expect(v).toBeCloseTo(naive(a, b)[i]!, 12));
  });

  test.each([[1, 1, 1], [4, 4, 4], [5, 3, 7], [8, 9, 6], [13, 2, 11], [6, 7, 1], [6, 5, 9]])('kernels aᵀ·b and a·b at %i x %i, %i columns, match the triple loop', (m, k, n) => {
    const a = randn([m, k], 3 * m);
    const b = randn([m, n], 5 * n);
    const c = new Float64Array(k * n).fill(NaN);
    matmulTnInto(c, 0, a.data, 0, b.data, 0, m, k, n);
    [...c].forEach((v, i) => expect(v).toBeCloseTo(naive(transpose(a), b)[i]!, 12));
    const d = new Float64Array(m * n).fill(NaN);
    const e = randn([k, n], 7 * n);
    matmulNnInto(d, 0, a.data, 0, e.data, 0, m, k, n);
    [...d].forEach((v, i) => expect(v).toBeCloseTo(naive(a, e)[i]!, 12));
  });

  test('the kernel writes at the offsets it is given', () => {
    const c = new Float64Array(6).fill(-1);
    matmulInto(c, 2, Float64Array.of(9, 1, 2), 1, Float64Array.of(3, 4), 0, 1, 2, 1);
    expect([...c]).toEqual([-1, -1, 11, -1, -1, -1]);
  });

  // Each kernel owns only its block of c: neighbours in a batch (or anything else in c) are left alone.
  // Sizes: ragged on every side, whole 4 x 4 blocks, and ragged rows with whole columns.
  test.each([[5, 5, 5], [8, 8, 8], [6, 5, 8]])('at %i x %i, %i columns, every kernel writes its block and nothing around it', (m, k, n) => {
    const a = randn([m, k], 11 * m);
    const b = randn([k, n], 13 * n);
    const g = randn([m, n], 17 * n);
    const layouts = [
      { name: 'a·b', run: matmulNnInto, x: a, y: b, expected: naive(a, b) },
      { name: 'a·btᵀ', run: matmulInto, x: a, y: transpose(b), expected: naive(a, b) },
      { name: 'aᵀ·g', run: matmulTnInto, x: a, y: g, expected: naive(transpose(a), g) },
    ];
    for (const { name, run, x, y, expected } of layouts) {
      const at = 3;
      const c = new Float64Array(at + expected.length + 4 * n + 4).fill(-7);
      run(c, at, x.data, 0, y.data, 0, m, k, n);
      expect([...c.subarray(0, at)], name).toEqual([-7, -7, -7]);
      [...c.subarray(at, at + expected.length)].forEach((v, i) => expect(v, name).toBeCloseTo(expected[i]!, 12));
      expect(c.subarray(at + expected.length).every((v) => v === -7), name).toBe(true);
    }
  });

  test('batched, with the batch axes broadcast', () => {
    const a = randn([2, 3, 4], 1);
    const b = randn([4, 5], 2);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 3, 5]);
    const second = new Tensor(a.data.subarray(12, 24), [3, 4]);
    [...c.data.subarray(15)].forEach((v, i) => expect(v).toBeCloseTo(naive(second, b)[i]!, 12));
  });

  test('vjp: g Bᵀ and Aᵀ g, the shared matrix summed over the batch', () => {
    const a = tensor([[[1, 2]], [[3, 4]]]);
    const b = tensor([[1], [1]]);
    const [ga, gb] = matmul.vjp([a, b], matmul(a, b), tensor([[[1]], [[2]]]), undefined);
    expect(ga!.toArray()).toEqual([[[1, 1]], [[2, 2]]]);
    expect(gb!.toArray()).toEqual([[1 + 6], [2 + 8]]);
  });

  test('inner sides that disagree: a ShapeError naming both shapes', () => {
    expect(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(
      "matmul: expected inner sides that agree (a's last side 3 = b's second-to-last), got [1, 3] and [1, 2]",
    );
    expect(() => matmul(tensor([1, 2]), tensor([[1], [2]]))).toThrow('matmul: expected two tensors of rank ≥ 2');
    expect(() => matmul(randn([2, 1, 1], 0), randn([3, 1, 1], 0))).toThrow('matmul: expected batch axes (all but the last two) that broadcast together, got [2, 1, 1] and [3, 1, 1]');
  });
});
