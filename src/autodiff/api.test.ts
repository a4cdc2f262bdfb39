import { describe, expect, test } from 'vitest';
import { add, mul, square, sub, sum, tanh } from '../ops/index.js';
import { ShapeError, type Tensor, randn, scalar, tensor } from '../tensor/index.js';
import { grad, jvp, valueAndGrad, vjp } from './index.js';

const half = scalar(0.5);

describe('the lecture neuron chain: L = ½(y − o)², o = tanh(w2 h), h = tanh(w1 x)', () => {
  const [x, y] = [scalar(0.7), scalar(-0.3)];
  const loss = (w1: Tensor, w2: Tensor) => {
    const h = tanh(mul(w1, x));
    const o = tanh(mul(w2, h));
    return mul(half, square(sub(y, o)));
  };

  test('engine gradients equal the hand-derived chain rule', () => {
    const [w1, w2] = [0.4, -1.3];
    const h = Math.tanh(w1 * 0.7);
    const o = Math.tanh(w2 * h);
    const dLdo = -(-0.3 - o);
    const dLdw2 = dLdo * (1 - o * o) * h;
    const dLdw1 = dLdo * (1 - o * o) * w2 * (1 - h * h) * 0.7;
    const [g1, g2] = grad(loss, [0, 1])(scalar(w1), scalar(w2));
    expect(g1!.item()).toBeCloseTo(dLdw1, 15);
    expect(g2!.item()).toBeCloseTo(dLdw2, 15);
    expect(grad(loss, 1)(scalar(w1), scalar(w2)).item()).toBe(g2!.item());
  });

  test('valueAndGrad returns the loss from the same evaluation', () => {
    const { value, grad: g } = valueAndGrad(loss)(scalar(0.4), scalar(-1.3));
    expect(value.item()).toBeCloseTo(0.5 * (-0.3 - Math.tanh(-1.3 * Math.tanh(0.28))) ** 2, 15);
    expect(g.shape).toEqual([]);
  });
});

describe('the lecture RNN: shared weights get gradients summed over time steps', () => {
  // h_t = tanh(we c_t + wh h_{t-1}), o = wo h_2, L = ½(y − o)²
  const [c1, c2, h0, y] = [scalar(0.5), scalar(-0.8), scalar(0.1), scalar(0.25)];
  const loss = (we: Tensor, wh: Tensor, wo: Tensor) => {
    const h1 = tanh(add(mul(we, c1), mul(wh, h0)));
    const h2 = tanh(add(mul(we, c2), mul(wh, h1)));
    return mul(half, square(sub(y, mul(wo, h2))));
  };

  test('BPTT by hand equals the engine', () => {
    const [we, wh, wo] = [0.9, -0.6, 1.4];
    const h1 = Math.tanh(we * 0.5 + wh * 0.1);
    const h2 = Math.tanh(we * -0.8 + wh * h1);
    const o = wo * h2;
    const delta2 = -(0.25 - o) * wo * (1 - h2 * h2);
    const delta1 = delta2 * wh * (1 - h1 * h1);
    const [gWe, gWh, gWo] = grad(loss, [0, 1, 2])(scalar(we), scalar(wh), scalar(wo));
    expect(gWe!.item()).toBeCloseTo(delta2 * -0.8 + delta1 * 0.5, 15);
    expect(gWh!.item()).toBeCloseTo(delta2 * h1 + delta1 * 0.1, 15);
    expect(gWo!.item()).toBeCloseTo(-(0.25 - o) * h2, 15);
  });
});

describe('vjp and jvp', () => {
  const x = randn([2, 3], 1);
  const v = randn([2, 3], 2);

  test('vjp pulls back a non-scalar output: d(x²) = 2 x v', () => {
    const { value, grads } = vjp(square, [x], v);
    expect(value.toArray()).toEqual(square(x).toArray());
    [...grads[0]!.data].forEach((g, i) => expect(g).toBeCloseTo(2 * x.data[i]! * v.data[i]!, 15));
  });

  test('jvp pushes tangents forward: d(x y) = dx y + x dy', () => {
    const [y, tx, ty] = [randn([3], 3), randn([2, 3], 4), randn([3], 5)];
    const { tangent } = jvp(mul, [x, y], [tx, ty]);
    [...tangent.data].forEach((t, i) => expect(t).toBeCloseTo(tx.data[i]! * y.data[i % 3]! + x.data[i]! * ty.data[i % 3]!, 15));
  });

  test('the same tensor passed twice is two inputs', () => {
    const f = (a: Tensor, b: Tensor) => sum(mul(a, square(b)));
    const [ga, gb] = grad(f, [0, 1])(x, x);
    [...ga!.data].forEach((g, i) => expect(g).toBeCloseTo(x.data[i]! ** 2, 15));
    [...gb!.data].forEach((g, i) => expect(g).toBeCloseTo(2 * x.data[i]! ** 2, 15));
  });

  test('an input returned as it is gets the cotangent; one not used gets zeros', () => {
    const { grads } = vjp((a: Tensor, _b: Tensor) => a, [x, scalar(1)], v);
    expect(grads[0]!.toArray()).toEqual(v.toArray());
    expect(grads[1]!.toArray()).toBe(0);
  });

  test('tensors made outside f are constants', () => {
    const outside = tanh(x);
    expect(grad((a: Tensor) => sum(mul(a, outside)))(x).toArray()).toEqual(outside.toArray());
  });
});

describe('errors say which call went wrong', () => {
  const x = tensor([1, 2]);
  test('grad of a non-scalar output', () => {
    expect(() => grad(square)(x)).toThrow(ShapeError);
    expect(() => grad(square)(x)).toThrow('grad: expected f to return a scalar loss (a tensor of size 1); use vjp for other outputs, got shape [2]');
  });
  test('a cotangent or tangent of the wrong shape', () => {
    expect(() => vjp(square, [x], scalar(1))).toThrow("vjp: expected a cotangent of the output's shape [2], got shape []");
    expect(() => jvp(square, [x], [scalar(1)])).toThrow("jvp: expected tangent 0 of its input's shape [2], got shape []");
  });
  test('inputs that are not tensors, and argnums past the arguments', () => {
    expect(() => vjp(square, [3 as unknown as Tensor], scalar(1))).toThrow(/^vjp: input 0 must be a Tensor, got a number \(3\)$/);
    expect(() => grad((a: Tensor) => sum(a), 1)(x)).toThrow('grad: argnums 1 is not an argument position (f was given 1 arguments)');
  });
  test('a function that does not return a tensor', () => {
    expect(() => grad((_a: Tensor) => 3 as unknown as Tensor)(x)).toThrow('grad: the function must return a Tensor, got a number (3)');
  });
  test('an error inside a nested differentiation leaves no trace listening', () => {
    const outer = (a: Tensor) => sum(grad((b: Tensor) => square(b))(a));
    expect(() => grad(outer)(x)).toThrow('grad: expected f to return a scalar loss');
    expect(grad((a: Tensor) => sum(square(a)))(x).toArray()).toEqual([2, 4]);
  });
});
