import { describe, expect, test } from 'vitest';
import { type Tensor, ShapeError, scalar, tensor } from '../tensor/index.js';
import { abs, add, div, exp, log, mul, neg, pow, relu, sigmoid, sqrt, square, sub, tanh } from './index.js';

const values = (t: Tensor) => [...t.data];

describe('unary ops: value and derivative', () => {
  const x = tensor([-2, 0.5, 3]);
  const ones = tensor([1, 1, 1]);
  test.each([
    ['neg', neg, [2, -0.5, -3], [-1, -1, -1]],
    ['exp', exp, [Math.exp(-2), Math.exp(0.5), Math.exp(3)], [Math.exp(-2), Math.exp(0.5), Math.exp(3)]],
    ['tanh', tanh, [Math.tanh(-2), Math.tanh(0.5), Math.tanh(3)], [-2, 0.5, 3].map((v) => 1 - Math.tanh(v) ** 2)],
    ['relu', relu, [0, 0.5, 3], [0, 1, 1]],
    ['abs', abs, [2, 0.5, 3], [-1, 1, 1]],
    ['square', square, [4, 0.25, 9], [-4, 1, 6]],
  ] as const)('%s', (_name, op, value, derivative) => {
    const y = op(x);
    expect(values(y)).toEqual(value.map((v) => expect.closeTo(v, 14)));
    const [g] = op.vjp([x], y, ones, undefined);
    expect(values(g!)).toEqual(derivative.map((v) => expect.closeTo(v, 14)));
  });

  test('log and sqrt on positive values', () => {
    const p = tensor([0.25, 4]);
    expect(values(log(p))).toEqual([Math.log(0.25), Math.log(4)]);
    expect(values(log.vjp([p], log(p), tensor([1, 1]), undefined)[0]!)).toEqual([4, 0.25]);
    expect(values(sqrt(p))).toEqual([0.5, 2]);
    expect(values(sqrt.vjp([p], sqrt(p), tensor([1, 1]), undefined)[0]!)).toEqual([1, 0.25]);
  });

  test('sigmoid neither overflows nor loses its tails', () => {
    const y = sigmoid(tensor([-800, 0, 800]));
    expect(values(y)).toEqual([0, 0.5, 1]);
    expect(sigmoid(tensor([-40])).item()).toBeCloseTo(Math.exp(-40), 30);
    // past −709, exp(−x) overflows: only the form exp(x) / (1 + exp(x)) still gives the (subnormal) value
    expect(sigmoid(tensor([-720])).item()).toBe(Math.exp(-720));
    expect(Math.exp(-720)).toBeGreaterThan(0);
  });

  test('relu at its kink: value +0 (also for −0), derivative 0', () => {
    const kink = tensor([0, -0]);
    expect(Object.is(relu(kink).data[0], 0) && Object.is(relu(kink).data[1], 0)).toBe(true);
    expect(values(relu.vjp([kink], relu(kink), tensor([3, 5]), undefined)[0]!)).toEqual([0, 0]);
  });

  test('pow with a constant exponent, and its derivative p x^(p-1)', () => {
    const p = tensor([2, 4]);
    expect(values(pow(p, 3))).toEqual([8, 64]);
    expect(values(pow(p, 0.5))).toEqual([Math.SQRT2, 2]);
    expect(values(pow.vjp([p], pow(p, 3), tensor([1, 1]), { exponent: 3 })[0]!)).toEqual([12, 48]);
    expect(() => pow(p, '2' as unknown as number)).toThrow(/^pow: the exponent must be a number, got a string \(2\)$/);
  });

  test('jvp multiplies the tangent by the same derivative', () => {
    const t = tensor([1, 2, 3]);
    expect(values(square.jvp([x], square(x), [t], undefined))).toEqual([-4, 2, 18]);
  });
});

describe('binary ops broadcast, and their gradients sum back to each input shape', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const b = tensor([10, 20, 30]);
  const g = tensor([[1, 2, 3], [4, 5, 6]]);

  test('forward values', () => {
    expect(add(a, b).toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(sub(a, b).toArray()).toEqual([[-9, -18, -27], [-6, -15, -24]]);
    expect(mul(a, scalar(2)).toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(div(b, tensor([[10], [5]])).toArray()).toEqual([[1, 2, 3], [2, 4, 6]]);
  });

  test('add and sub: the broadcast input gets the column sums', () => {
    const [ga, gb] = add.vjp([a, b], add(a, b), g, undefined);
    expect(ga).toBe(g);
    expect(gb!.toArray()).toEqual([5, 7, 9]);
    expect(sub.vjp([a, b], sub(a, b), g, undefined)[1]!.toArray()).toEqual([-5, -7, -9]);
  });

  test('mul: each input gets g times the other, summed where it was broadcast', () => {
    const [ga, gb] = mul.vjp([a, b], mul(a, b), g, undefined);
    expect(ga!.toArray()).toEqual([[10, 40, 90], [40, 100, 180]]);
    expect(gb!.toArray()).toEqual([1 + 16, 4 + 25, 9 + 36]);
  });

  test('div: d(x/y)/dy = -x/y²', () => {
    const [gx, gy] = div.vjp([scalar(3), scalar(2)], scalar(1.5), scalar(1), undefined);
    expect([gx!.item(), gy!.item()]).toEqual([0.5, -0.75]);
  });

  test('jvp: both tangents, broadcast', () => {
    const ta = tensor([[1, 0, 0], [0, 0, 0]]);
    const tb = tensor([0, 1, 0]);
    expect(mul.jvp([a, b], mul(a, b), [ta, tb], undefined).toArray()).toEqual([[10, 2, 0], [0, 5, 0]]);
  });

  test('shapes that do not broadcast: a ShapeError naming the op and both shapes', () => {
    expect(() => mul(a, tensor([1, 2]))).toThrow(ShapeError);
    expect(() => mul(a, tensor([1, 2]))).toThrow('mul: expected shapes that broadcast together');
    expect(() => mul(a, tensor([1, 2]))).toThrow('[2, 3] and [2]');
  });
});
