import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { neuron } from '../../fixtures/neuron.js';
import { broadcastShapes, tensorArb, tensorOf, uniformReal } from '../arbitraries/index.js';
import type { Differentiable } from '../check/index.js';
import { Tensor, scalar, tensor } from '../tensor/index.js';
import {
  LawViolation,
  forwardOverReverseMatchesReverseOverReverse,
  gradientsMatchFiniteDifferences,
  hessianIsSymmetric,
  isPure,
  jvpMatchesVjp,
  secondOrderTaylorRemainder,
  sgdStepDescends,
  taylorRemainder,
  vjpIsLinear,
} from './index.js';

function elementwise(name: string, f: (x: number) => number, df: (x: number, g: number) => number, dfTangent = df): Differentiable {
  return {
    name,
    forward: ([x]) => new Tensor(x!.data.map(f), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v, g.data[i]!)), x!.shape)],
    jvp: ([x], [t]) => new Tensor(x!.data.map((v, i) => dfTangent(v, t!.data[i]!)), x!.shape),
  };
}
const tanhPrime = (x: number) => 1 - Math.tanh(x) ** 2;
const tanh = elementwise('tanh', Math.tanh, (x, g) => tanhPrime(x) * g);
const tensors = fc.array(tensorArb({ maxRank: 2 }), { minLength: 1, maxLength: 1 });
const one = tensorArb().map((x) => [x]);

/** The message of the violation a law that must fail reports for its shrunk counterexample. */
function violation(law: fc.IProperty<[{ inputs: Tensor[] }, number]>): string {
  const details = fc.check(law, { numRuns: 100 });
  expect(details.failed, 'the broken twin passed the law').toBe(true);
  return String(details.errorInstance);
}

/** The shrunk counterexample's inputs, and the violation, of a law that must fail. */
function counterexample(law: fc.IProperty<[{ inputs: Tensor[] }, number]>): { inputs: Tensor[]; error: unknown } {
  const details = fc.check(law, { numRuns: 200 });
  expect(details.failed, 'the broken twin passed the law').toBe(true);
  return { inputs: details.counterexample![0].inputs, error: details.errorInstance };
}

describe('gradientsMatchFiniteDifferences', () => {
  test('holds for a correct target', () => fc.assert(gradientsMatchFiniteDifferences(tanh, tensors), { numRuns: 100 }));

  test('a bug only for negative inputs shrinks to a single negative value', () => {
    const twin = elementwise('tanh', Math.tanh, (x, g) => (x < 0 ? -1 : 1) * tanhPrime(x) * g);
    const { inputs, error } = counterexample(gradientsMatchFiniteDifferences(twin, one));
    expect(inputs[0]!.size).toBe(1);
    expect(inputs[0]!.data[0]).toBeLessThan(0);
    expect([-1, -0.5, -2, -3]).toContain(inputs[0]!.data[0]);
    expect(error).toBeInstanceOf(LawViolation);
    expect(String(error)).toMatch(/inputs: \[tensor\(/);
  });

  test('a bug only when a dimension is ≥ 3 shrinks to that dimension exactly 3', () => {
    const twin: Differentiable = { ...tanh, vjp: (xs, g) => tanh.vjp(xs, g).map((t) => (t.shape.some((s) => s >= 3) ? new Tensor(t.data.map((v) => 2 * v), t.shape) : t)) };
    const { inputs } = counterexample(gradientsMatchFiniteDifferences(twin, one));
    expect(Math.max(...inputs[0]!.shape)).toBe(3);
    expect(inputs[0]!.size).toBe(3);
  });

  test('a bug only for broadcast shapes shrinks to a size-1 dimension (or, ranks free, a scalar)', () => {
    // a + b with NumPy broadcasting, whose vjp forgets to sum over the broadcast axes
    const padded = (shapes: number[][]) => shapes.map((s) => [...Array(Math.max(...shapes.map((t) => t.length)) - s.length).fill(1), ...s]);
    const pairsOf = (shapes: fc.Arbitrary<number[][]>) => shapes.chain(([s, t]) => fc.tuple(tensorOf(s!), tensorOf(t!)));
    const sameRank = pairsOf(broadcastShapes(2, { minRank: 1 }).map(padded));
    const anyRank = pairsOf(broadcastShapes(2));
    fc.assert(gradientsMatchFiniteDifferences(broadcastAdd(true), anyRank), { numRuns: 100 });

    const shapes = (pairs: fc.Arbitrary<Tensor[]>) => counterexample(gradientsMatchFiniteDifferences(broadcastAdd(false), pairs)).inputs.map((x) => x.shape);
    // one entry broadcast against two: [1] and [2], or at a rank the shrinker cannot lower for both
    // shapes at once (they are chained), [1, 1] and [2, 1] — as small in entries
    const same = shapes(sameRank);
    expect(same[0]!.length).toBe(same[1]!.length);
    expect(same.map((s) => s.reduce((p, n) => p * n, 1)).sort()).toEqual([1, 2]);
    expect([[[], [2]], [[2], []]]).toContainEqual(shapes(anyRank));
  });

  test('labels its cases and names the classes that never occurred', () => {
    const positiveOnly = fc.array(tensorArb({ min: 0.5, max: 2 }), { minLength: 1, maxLength: 1 });
    const law = gradientsMatchFiniteDifferences(tanh, positiveOnly);
    fc.assert(law, { numRuns: 50 });
    expect(law.coverage.warnings()).toEqual(expect.arrayContaining([expect.stringMatching(/no case had sign 'all negative'/), expect.stringMatching(/no case had sign 'mixed'/)]));
    expect(law.coverage.warnings().some((w) => /'all positive'/.test(w))).toBe(false);
  });
});

describe('jvpMatchesVjp', () => {
  test('holds for a correct target', () => fc.assert(jvpMatchesVjp(tanh, tensors), { numRuns: 100 }));
  test('fails for a jvp that disagrees with the vjp', () => {
    const twin = elementwise('tanh', Math.tanh, (x, g) => tanhPrime(x) * g, (x, t) => (1 - Math.tanh(x)) * t);
    expect(violation(jvpMatchesVjp(twin, tensors))).toMatch(/jvpMatchesVjp violated by tanh/);
  });
});

describe('vjpIsLinear', () => {
  test('holds for a correct target', () => fc.assert(vjpIsLinear(tanh, tensors), { numRuns: 100 }));
  test('fails for a backward that is affine, not linear, in the cotangent', () => {
    const twin = elementwise('tanh', Math.tanh, (x, g) => tanhPrime(x) * g + 1e-9);
    expect(violation(vjpIsLinear(twin, tensors))).toMatch(/vjpIsLinear violated/);
  });
});

describe('isPure', () => {
  test('holds for a correct target', () => fc.assert(isPure(tanh, tensors), { numRuns: 50 }));
  test('fails for a forward that mutates its input', () => {
    const twin: Differentiable = { ...tanh, forward: (xs) => { (xs[0]!.data as Float64Array).fill(0.5); return tanh.forward(xs); } };
    expect(violation(isPure(twin, tensors))).toMatch(/forward mutated input 0 at flat index \d+/);
  });

  test('fails for a forward that fills and returns the same buffer every call, which every finite difference would see as 0', () => {
    const reused = (): Differentiable => {
      let out: Tensor | undefined;
      return {
        ...tanh,
        forward: ([x]) => {
          out = out?.size === x!.size ? out : new Tensor(new Float64Array(x!.size), x!.shape);
          (out.data as Float64Array).set(x!.data.map(Math.tanh));
          return out;
        },
      };
    };
    expect(violation(isPure(reused(), tensors))).toMatch(/isPure violated by tanh: forward returned the buffer it returned for an earlier call, overwritten since/);
  });

  test('fails for a vjp that is not deterministic', () => {
    let calls = 0;
    const twin: Differentiable = { ...tanh, vjp: (xs, g) => tanh.vjp(xs, g).map((t) => new Tensor(t.data.map((v) => v + 1e-15 * calls++), t.shape)) };
    expect(violation(isPure(twin, tensors))).toMatch(/vjp is not deterministic/);
  });
});

describe('a target that breaks its contract is reported by every law that calls it, never a crash inside the law', () => {
  const laws = { isPure, vjpIsLinear, jvpMatchesVjp, taylorRemainder };
  const broken: [string, Differentiable, RegExp, 'error' | 'fail'][] = [
    ['a forward that returns a number', { ...tanh, forward: () => 3 as unknown as Tensor }, /forward must return a Tensor, got number 3/, 'error'],
    ['a vjp that returns a bare tensor', { ...tanh, vjp: (xs, g) => tanh.vjp(xs, g)[0] as unknown as Tensor[] }, /vjp must return a list of gradients, one per input \(1\), got a tensor of shape/, 'error'],
    ['a vjp of the wrong shape', { ...tanh, vjp: () => [scalar(1)] }, /vjp gradient for input 0 has shape \[\], expected/, 'fail'],
    ['a jvp that returns NaN', { ...tanh, jvp: ([x]) => new Tensor(new Float64Array(x!.size).fill(NaN), x!.shape) }, /jvp is not finite: NaN/, 'fail'],
  ];
  test.each(broken)('%s', (_, target, message, verdict) => {
    for (const [name, law] of Object.entries(laws)) {
      if (name !== 'jvpMatchesVjp' && /jvp is not finite/.test(message.source)) continue;
      const details = fc.check(law(target, tensors.filter((xs) => xs[0]!.size > 1)), { numRuns: 20 });
      expect(details.failed, name).toBe(true);
      expect(details.errorInstance, name).toBeInstanceOf(LawViolation);
      expect(String(details.errorInstance), name).toMatch(message);
      expect((details.errorInstance as LawViolation).report).toMatchObject({ verdict, ok: false });
    }
  });

  test('what the target itself throws is thrown on as it was (the CLI points at the line that threw)', () => {
    const throwing: Differentiable = { ...tanh, forward: () => { throw new RangeError('not finished'); } };
    const details = fc.check(isPure(throwing, tensors), { numRuns: 5 });
    expect(details.errorInstance).toBeInstanceOf(RangeError);
  });
});

describe('taylorRemainder', () => {
  test('holds for a correct target', () => fc.assert(taylorRemainder(tanh, tensors), { numRuns: 100 }));
  test('fails for a derivative off by 1%', () => {
    const twin = elementwise('tanh', Math.tanh, (x, g) => 1.01 * tanhPrime(x) * g);
    expect(violation(taylorRemainder(twin, tensors))).toMatch(/shrinks linearly, not quadratically/);
  });
});

describe('the Taylor laws across a kink', () => {
  // max(x0, x1), the winner 0.25 to 0.5 ahead: the larger steps change the winner, the smaller do not
  const winner = (x: Tensor) => new Tensor(x.data.map((v, i) => Number(i === (x.data[0]! >= x.data[1]! ? 0 : 1))), x.shape);
  const larger = (slope = 1): Differentiable => ({
    name: 'max of two',
    forward: ([x]) => scalar(Math.max(x!.data[0]!, x!.data[1]!)),
    vjp: ([x], g) => [new Tensor(winner(x!).data.map((w) => slope * w * g.item()), x!.shape)],
    // the vjp g·onehot(winner), as a function of [x, g]: piecewise constant in x, linear in g
    vjpTarget: () => ({
      name: 'vjp of max of two',
      forward: ([x, g]) => new Tensor(winner(x!).data.map((w) => slope * w * g!.item()), [2]),
      vjp: ([x], w) => [new Tensor(new Float64Array(2), [2]), scalar(slope * (w.data[0]! * winner(x!).data[0]! + w.data[1]! * winner(x!).data[1]!))],
    }),
  });
  const apart = fc.tuple(uniformReal({ min: 0.5, max: 1.5 }), uniformReal({ min: 0.25, max: 0.5 }), fc.boolean())
    .map(([a, gap, first]) => [tensor(first ? [a + gap, a] : [a, a + gap])]);
  test('a remainder that vanishes once the steps stop changing the winner is not judged', () => {
    fc.assert(taylorRemainder(larger(), apart), { numRuns: 100 });
    fc.assert(secondOrderTaylorRemainder(larger(), apart), { numRuns: 100 });
  });
  test('a slope 1% off still fails', () => {
    expect(violation(taylorRemainder(larger(1.01), apart))).toMatch(/shrinks linearly, not quadratically/);
  });
});

describe('second-order laws', () => {
  /** tanh with its second order by hand: the vjp g(1 − y²) of [x, g]; `curvature` scales its x-derivative. */
  const withSecondOrder = (curvature = 1): Differentiable => ({
    ...tanh,
    vjpTarget: () => ({
      name: 'vjp of tanh',
      forward: ([x, g]) => new Tensor(x!.data.map((v, i) => g!.data[i]! * tanhPrime(v)), [x!.size]),
      vjp: ([x, g], w) => [
        new Tensor(x!.data.map((v, i) => curvature * -2 * w.data[i]! * g!.data[i]! * Math.tanh(v) * tanhPrime(v)), x!.shape),
        new Tensor(g!.data.map((_, i) => w.data[i]! * tanhPrime(x!.data[i]!)), g!.shape),
      ],
      jvp: ([x, g], [tx, tg]) => new Tensor(x!.data.map((v, i) => -2 * tx!.data[i]! * g!.data[i]! * Math.tanh(v) * tanhPrime(v) + tg!.data[i]! * tanhPrime(v)), [x!.size]),
    }),
  });
  test('hold for a right second-order rule', () => {
    for (const law of [secondOrderTaylorRemainder, hessianIsSymmetric, forwardOverReverseMatchesReverseOverReverse]) {
      fc.assert(law(withSecondOrder(), tensors), { numRuns: 50 });
    }
  });
  test('a second derivative 1% off leaves a quadratic remainder, and forward over reverse disagrees with it', () => {
    expect(violation(secondOrderTaylorRemainder(withSecondOrder(1.01), tensors))).toMatch(/shrinks quadratically, not cubically \(ratios r\(2h\)\/r\(h\): .*\): the second derivative/);
    expect(violation(forwardOverReverseMatchesReverseOverReverse(withSecondOrder(1.01), tensors))).toMatch(/⟨v, forward over reverse\(u\)⟩ = .* but ⟨reverse over reverse\(v\), u⟩ = /);
  });
  /** (x − y)² with its second order by hand; `curvature` scales the second derivative in x and y. */
  const squaredGap = (curvature = 1): Differentiable => ({
    name: 'squared gap',
    forward: ([x, y]) => scalar((x!.item() - y!.item()) ** 2),
    vjp: ([x, y], g) => [scalar(2 * g.item() * (x!.item() - y!.item())), scalar(-2 * g.item() * (x!.item() - y!.item()))],
    vjpTarget: () => ({
      name: 'vjp of squared gap',
      forward: ([x, y, g]) => tensor([2 * g!.item() * (x!.item() - y!.item()), -2 * g!.item() * (x!.item() - y!.item())]),
      vjp: ([x, y, g], w) => {
        const dw = w.data[0]! - w.data[1]!;
        return [scalar(curvature * 2 * g!.item() * dw), scalar(-curvature * 2 * g!.item() * dw), scalar(2 * (x!.item() - y!.item()) * dw)];
      },
    }),
  });
  // at its minimum φ(0) and the slope are 0, and a quadratic's remainder is its terms' rounding alone
  const atMinimum = uniformReal({ min: -4, max: 4 }).map((a) => [scalar(a), scalar(a)]);
  test('a quadratic at its minimum leaves only rounding, which grows with the step and is not judged (mse at −1, −1 failed)', () => {
    fc.assert(secondOrderTaylorRemainder(squaredGap(), fc.constant([scalar(-1), scalar(-1)])), { numRuns: 20 });
    fc.assert(secondOrderTaylorRemainder(squaredGap(), atMinimum), { numRuns: 200 });
  });
  test('a quadratic at its minimum with its second derivative 1% off fails', () => {
    expect(violation(secondOrderTaylorRemainder(squaredGap(1.01), atMinimum))).toMatch(/shrinks quadratically, not cubically/);
  });
  test('a target without a second-order rule is a violation that says so', () => {
    expect(violation(hessianIsSymmetric(tanh, tensors))).toMatch(/the target has no second-order rule \(vjpTarget\)/);
  });
});

describe('sgdStepDescends', () => {
  const batches = fc.integer({ min: 1, max: 4 }).chain((b) =>
    fc.tuple(uniformReal({ min: -2, max: 2 }), uniformReal({ min: -2, max: 2 }), tensorOf([b]), tensorOf([b], { min: -1, max: 1 })),
  ).map(([w1, w2, x, y]) => [scalar(w1), scalar(w2), x, y]);
  const lossOfWeights = (tweak?: (g: Tensor[]) => Tensor[]) => ({ ...neuron(tweak ? { tweak } : {}), nondifferentiable: [2, 3] });

  test('holds for the seed neuron', () => fc.assert(sgdStepDescends(lossOfWeights(), batches), { numRuns: 100 }));
  test.each([
    ['twice the gradient', (g: Tensor[]) => g.map((t) => new Tensor(t.data.map((v) => 2 * v), t.shape))],
    ['the gradient with its sign flipped', (g: Tensor[]) => g.map((t) => new Tensor(t.data.map((v) => -v), t.shape))],
  ])('fails for %s', (_, tweak) => {
    expect(violation(sgdStepDescends(lossOfWeights(tweak), batches))).toMatch(/does not tend to 1/);
  });
  test('asks for a scalar loss', () => {
    expect(violation(sgdStepDescends(tanh, tensors.filter((xs) => xs[0]!.size > 1)))).toMatch(/needs a scalar loss/);
  });
});

/** a + b broadcast; `reduce` false is the classic bug of not summing the gradient over broadcast axes. */
function broadcastAdd(reduce: boolean): Differentiable {
  const outShape = (a: Tensor, b: Tensor) => {
    const rank = Math.max(a.rank, b.rank);
    return Array.from({ length: rank }, (_, i) => Math.max(a.shape[i - rank + a.rank] ?? 1, b.shape[i - rank + b.rank] ?? 1));
  };
  const offset = (shape: readonly number[], out: number[], flat: number) => {
    let o = 0;
    let rest = flat;
    const idx = out.map(() => 0);
    for (let i = out.length - 1; i >= 0; i--) { idx[i] = rest % out[i]!; rest = Math.floor(rest / out[i]!); }
    const lead = out.length - shape.length;
    shape.forEach((s, i) => { o = o * s + (s === 1 ? 0 : idx[i + lead]!); });
    return o;
  };
  return {
    name: 'broadcast add',
    forward: ([a, b]) => {
      const shape = outShape(a!, b!);
      const n = shape.reduce((x, y) => x * y, 1);
      return new Tensor(Float64Array.from({ length: n }, (_, i) => a!.data[offset(a!.shape, shape, i)]! + b!.data[offset(b!.shape, shape, i)]!), shape);
    },
    vjp: ([a, b], g) => [a!, b!].map((x) => {
      const grad = new Float64Array(x.size);
      g.data.forEach((gi, i) => {
        const o = offset(x.shape, [...g.shape], i);
        grad[o] = reduce ? grad[o]! + gi : gi;
      });
      return new Tensor(grad, x.shape);
    }),
  };
}
