import { describe, expect, test } from 'vitest';
import { type Op, add, crossEntropy, defineOp, matmul, mul, pow, softmax, square, sum, tanh } from '../ops/index.js';
import { Tensor, randn, scalar, tensor } from '../tensor/index.js';
import { grad, hessian, hvp, jvp, vjp } from './index.js';

const cube = (x: Tensor) => sum(pow(x, 3));

describe('derivatives of derivatives', () => {
  test('grad of grad of x³ is 6x, and grad of that is 6', () => {
    const second = (x: Tensor) => sum(grad(cube)(x));
    expect(grad(second)(scalar(2)).item()).toBe(12);
    expect(grad((x: Tensor) => sum(grad(second)(x)))(scalar(-0.5)).item()).toBe(6);
  });

  test('hvp is H·v, with the value and gradient from the same pass', () => {
    // f = Σ tanh(x_i²): ∂f/∂x_i = 2x sech², ∂²f/∂x_i² = 2 sech² − 8x² tanh sech²; H is diagonal
    const f = (x: Tensor) => sum(tanh(mul(x, x)));
    const x = tensor([0.3, -0.7, 1.1]);
    const v = tensor([0.5, -2, 0.25]);
    const { value, grads, hvp: [hv] } = hvp(f, [x], [v]);
    const t = [...x.data].map((xi) => Math.tanh(xi * xi));
    expect(value.item()).toBeCloseTo(t.reduce((a, b) => a + b, 0), 15);
    [...grads[0]!.data].forEach((g, i) => expect(g).toBeCloseTo(2 * x.data[i]! * (1 - t[i]! ** 2), 14));
    [...hv!.data].forEach((h, i) => {
      const s = 1 - t[i]! ** 2;
      expect(h).toBeCloseTo((2 * s - 8 * x.data[i]! ** 2 * t[i]! * s) * v.data[i]!, 14);
    });
  });

  test('the Hessian of ½ xᵀ A x is the symmetric part of A, across two inputs', () => {
    const A = randn([3, 3], 1);
    const f = (x: Tensor, y: Tensor) => mul(scalar(0.5), sum(mul(add(x, y), matmul(A, add(x, y)))));
    const H = hessian(f, [randn([3, 1], 2), randn([3, 1], 3)]);
    expect(H.shape).toEqual([6, 6]);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) expect(H.get(i, j)).toBeCloseTo((A.get(i % 3, j % 3) + A.get(j % 3, i % 3)) / 2, 14);
    }
  });

  test('the Hessian of softmax cross-entropy in the logits is (diag(p) − p pᵀ) / B per row', () => {
    const logits = randn([2, 3], 4);
    const H = hessian((l: Tensor) => crossEntropy(l, tensor([2, 0])), [logits]);
    const p = softmax(logits);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const [row, a, b] = [Math.floor(i / 3), i % 3, j % 3];
        const expected = Math.floor(j / 3) !== row ? 0 : ((a === b ? p.get(row, a) : 0) - p.get(row, a) * p.get(row, b)) / 2;
        expect(H.get(i, j)).toBeCloseTo(expected, 15);
      }
    }
  });

  test('forward over reverse, reverse over reverse and reverse over forward give the same ⟨u, H w⟩', () => {
    const f = (x: Tensor) => sum(mul(tanh(x), softmax(x)));
    const [x, u, w] = [randn([2, 3], 5), randn([2, 3], 6), randn([2, 3], 7)];
    const dot = (a: Tensor, b: Tensor) => a.data.reduce((s, ai, i) => s + ai * b.data[i]!, 0);
    const gradient = (xi: Tensor) => grad(f)(xi);
    const forwardOverReverse = dot(u, jvp(gradient, [x], [w]).tangent);
    const reverseOverReverse = dot(vjp(gradient, [x], u).grads[0]!, w);
    // d/dx ⟨∇f(x), w⟩ = H w: the gradient of a jvp
    const reverseOverForward = dot(grad((xi: Tensor) => jvp(f, [xi], [w]).tangent)(x), u);
    expect(reverseOverReverse).toBeCloseTo(forwardOverReverse, 14);
    expect(reverseOverForward).toBeCloseTo(forwardOverReverse, 14);
  });

  test('an inner derivative closing over an outer variable is not confused with it', () => {
    // d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1, the classic perturbation-confusion case
    const inner = (x: Tensor) => grad((y: Tensor) => add(x, y))(scalar(3));
    expect(grad((x: Tensor) => mul(x, inner(x)))(scalar(2)).item()).toBe(1);
    expect(jvp((x: Tensor) => mul(x, inner(x)), [scalar(2)], [scalar(1)]).tangent.item()).toBe(1);
  });

  test('a 10,000-step chain has an hvp without overflowing the stack', () => {
    const steps = 10_000;
    const chain = (x: Tensor) => {
      let h = scalar(0);
      for (let t = 0; t < steps; t++) h = tanh(add(mul(scalar(0.5), h), x));
      return h;
    };
    // by forward recurrence: h' and h'' with respect to x
    let [h, d1, d2] = [0, 0, 0];
    for (let t = 0; t < steps; t++) {
      h = Math.tanh(0.5 * h + 0.3);
      const s = 1 - h * h;
      const a = 0.5 * d1 + 1;
      [d1, d2] = [s * a, s * 0.5 * d2 - 2 * h * s * a * a];
    }
    expect(hvp(chain, [scalar(0.3)], [scalar(1)]).hvp[0]!.item()).toBeCloseTo(d2, 12);
  });
});

describe('a rule that cannot be differentiated again says so', () => {
  const rawSquare = (name: string, higherOrder?: false): Op<1> =>
    defineOp({
      name,
      arity: 1,
      forward: ([x]) => square(x),
      // 2 x g with a raw loop: right at first order, invisible to a trace
      vjp: ([x], _y, g) => [new Tensor(x.data.map((v, i) => 2 * v * g.data[i]!), x.shape)],
      jvp: ([x], _y, [t]) => new Tensor(x.data.map((v, i) => 2 * v * t.data[i]!), x.shape),
      domain: { sample: (draw) => ({ inputs: [draw.tensor([2])], attrs: undefined }) },
      register: false,
      ...(higherOrder === false ? { higherOrder } : {}),
    });
  const x = tensor([0.5, -1.5]);

  test('declared: first order works, second order is refused naming the op', () => {
    const declared = rawSquare('declaredSquare', false);
    expect(grad((a: Tensor) => sum(declared(a)))(x).toArray()).toEqual([1, -3]);
    const second = () => grad((a: Tensor) => sum(grad((b: Tensor) => sum(declared(b)))(a)))(x);
    expect(second).toThrow(/^declaredSquare: its vjp rule is not built from ops \(its definition says higherOrder: false\)/);
    expect(() => hvp((a: Tensor) => sum(declared(a)), [x], [x])).toThrow(/^declaredSquare: its vjp rule/);
  });

  test('undeclared: a trace that would take the raw result for a constant refuses it, naming the op', () => {
    const sneaky = rawSquare('sneakySquare');
    // the vjp of the vjp differentiates with respect to the cotangent, which the raw loop hides
    const pullback = (a: Tensor, v: Tensor) => vjp((b: Tensor) => sneaky(b), [a], v).grads[0]!;
    expect(() => vjp(pullback, [x, x], x)).toThrow(/^sneakySquare: the vjp rule's gradient for input 0 was computed from the cotangent's numbers outside ops/);
    expect(() => jvp((a: Tensor) => jvp((b: Tensor) => sneaky(b), [x], [a]).tangent, [x], [x])).toThrow(/^sneakySquare: the jvp rule's tangent was computed from the tangent of input 0's numbers/);
  });
});
