import { describe, expect, test } from 'vitest';
import { add, mul, sum, tanh } from '../ops/index.js';
import { type Tensor, randn, scalar } from '../tensor/index.js';
import { grad, vjp } from './index.js';

describe('the tape', () => {
  test('a 10,000-step unrolled chain differentiates without overflowing the stack', () => {
    // h_{t+1} = tanh(a h_t + x): the gradient with respect to x, by forward recurrence in plain JS
    const [a, x0, steps] = [0.9, 0.3, 10_000];
    const chain = (x: Tensor) => {
      let h = scalar(0);
      for (let t = 0; t < steps; t++) h = tanh(add(mul(scalar(a), h), x));
      return h;
    };
    let [h, dh] = [0, 0];
    for (let t = 0; t < steps; t++) {
      h = Math.tanh(a * h + x0);
      dh = (1 - h * h) * (a * dh + 1);
    }
    expect(grad(chain)(scalar(x0)).item()).toBeCloseTo(dh, 12);
  });

  test('a value used k times receives the sum of its k contributions', () => {
    const x = randn([3], 7);
    const w = [2, -1, 0.5, 4];
    const f = (v: Tensor) => sum(w.map((c) => mul(scalar(c), tanh(v))).reduce((s, term) => add(s, term)));
    const total = w.reduce((s, c) => s + c, 0);
    [...grad(f)(x).data].forEach((g, i) => expect(g).toBeCloseTo(total * (1 - Math.tanh(x.data[i]!) ** 2), 14));
  });

  test('summing contributions never writes into the cotangent or a rule output', () => {
    const x = randn([2, 2], 1);
    const v = randn([2, 2], 2);
    const before = Float64Array.from(v.data);
    const f = (a: Tensor) => add(add(a, a), a);
    const first = vjp(f, [x], v).grads[0]!;
    expect(v.data).toEqual(before);
    expect(vjp(f, [x], v).grads[0]!.toArray()).toEqual(first.toArray());
    [...first.data].forEach((g, i) => expect(g).toBeCloseTo(3 * v.data[i]!, 15));
  });
});
