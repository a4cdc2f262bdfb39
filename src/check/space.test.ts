/**
 * The input space pinned exactly: each entry's step scale, directions rounded so that every planned
 * step is exact in the target's arithmetic (52 mantissa bits, or 23 for float32), and the draws
 * behind a seed.
 */
import { describe, expect, test } from 'vitest';
import { Rng, Tensor, tensor } from '../tensor/index.js';
import { type Differentiable, checkGradients } from './index.js';
import { AROUND, fromGradient, newContext, noteGradients, typicalScale } from './context.js';
import { finiteDifferences } from './fast.js';
import { resolveOptions } from './options.js';
import { InputSpace, absDot, dot, dots, oddStep, productSizes, randomEntry, randomVector, rootMeanSquare } from './space.js';
import { GuardedTarget } from './target.js';

const SMALLEST = 2 ** -10; // 2^-7 halved over 4 step sizes: the default float64 plan

describe('each entry’s step scale is a power of two', () => {
  test.each([
    // a zero borrows its tensor's root-mean-square, √(0.25/3) ≈ 0.29 → 1/4
    ['zeros beside other entries', [0, 0.3, -0.4], [0.25, 0.25, 0.25]],
    ['an all-zero tensor', [0, 0], [1, 1]],
    ['a zero beside a huge entry (its rms overflows)', [0, 1e200], [1, 2 ** Math.floor(Math.log2(1e200 * 2 ** -16))]],
    ['large entries: 1, or 2^-16 of themselves', [3, 1e6, 1, -0.75], [1, 8, 1, 0.5]],
  ])('%s', (_, values, scales) => {
    expect([...new InputSpace([tensor(values)], [], SMALLEST).scale]).toEqual(scales);
  });

  test('nondifferentiable inputs take no place; positions are located in the input they belong to', () => {
    const space = new InputSpace([tensor([1, 2]), tensor([7]), tensor([[0.5, 0.25], [3, 4]])], [1], SMALLEST);
    expect([space.size, space.offsets, space.differentiable, space.largest]).toEqual([6, [0, 2], [0, 2], 4]);
    expect([0, 1, 2, 3, 4, 5].map((p) => space.locate(p))).toEqual([
      { input: 0, index: [0] }, { input: 0, index: [1] },
      { input: 2, index: [0, 0] }, { input: 2, index: [0, 1] }, { input: 2, index: [1, 0] }, { input: 2, index: [1, 1] },
    ]);
  });
});

describe('moved inputs', () => {
  test('only the entries a direction moves change, in fresh tensors; the others keep their bits, −0 too', () => {
    const inputs = [tensor([-0, 1.5, 2, -0]), tensor([7]), tensor([[-0, 3], [4, -0]])];
    const space = new InputSpace(inputs, [1], SMALLEST);
    const direction = new Float64Array([0, 0.25, 0.5, 0, 0, 0.125, 0, 0]);
    for (const t of [2 ** -7, -(2 ** -10)]) {
      const moved = space.shifted(direction, t);
      expect(moved[1]).toBe(inputs[1]); // nondifferentiable: passed through
      expect([moved[0], moved[2]].every((x, k) => x !== inputs[2 * k] && x!.data !== inputs[2 * k]!.data)).toBe(true);
      const expected = [-0, 1.5 + t * 0.25, 2 + t * 0.5, -0, -0, 3 + t * 0.125, 4, -0];
      const got = [...moved[0]!.data, ...moved[2]!.data];
      expect(got.map((x, i) => Object.is(x, expected[i]))).toEqual(expected.map(() => true));
    }
    // a direction that moves every entry moves the zeros too
    const everywhere = space.shifted(new Float64Array(8).fill(1), 2 ** -7);
    expect([...everywhere[0]!.data, ...everywhere[2]!.data]).toEqual([2 ** -7, 1.5 + 2 ** -7, 2 + 2 ** -7, 2 ** -7, 2 ** -7, 3 + 2 ** -7, 4 + 2 ** -7, 2 ** -7]);
  });

  test('a direction moving entries inside one input copies the stretches around them and every input it does not reach, bits and −0 kept', () => {
    const inputs = [tensor([-0, 0.5, 1.5, 2, -0, 3]), tensor([7]), tensor([-0, 4, 5])];
    const space = new InputSpace(inputs, [1], SMALLEST);
    // support: positions 2 and 3, inside the first input; the third lies past it
    const direction = new Float64Array([0, 0, 0.25, 0.5, 0, 0, 0, 0, 0]);
    for (const t of [2 ** -7, -(2 ** -9)]) {
      const moved = space.shifted(direction, t);
      expect([moved[0], moved[2]].every((x, k) => x!.data !== inputs[2 * k]!.data)).toBe(true);
      const expected = [-0, 0.5, 1.5 + t * 0.25, 2 + t * 0.5, -0, 3, -0, 4, 5];
      const got = [...moved[0]!.data, ...moved[2]!.data];
      expect(got.map((x, i) => Object.is(x, expected[i]))).toEqual(expected.map(() => true));
    }
    // every call's tensors are its own: a target that writes into one does not move the next
    const first = space.shifted(direction, 2 ** -7);
    first[0]!.data.fill(9);
    first[2]!.data.fill(9);
    expect([...space.shifted(direction, 2 ** -7)[2]!.data]).toEqual([-0, 4, 5]);
    expect(space.shifted(direction, 2 ** -7)[0]!.data[5]).toBe(3);
  });

  test('a branch-free move keeps every −0 the direction does not move, at either sign of t, beside +0 and subnormals', () => {
    const tiny = 2 ** -1074;
    const inputs = [tensor([-0, 0, -tiny, tiny, -0, 3e-310, -0]), tensor([-0, -0])];
    const space = new InputSpace(inputs, [], SMALLEST);
    // −0 and 0 in the direction both leave an entry where it is; the support spans both inputs
    const direction = new Float64Array([0, -0, 0, -0, tiny, 0, -0, -0, tiny]);
    for (const t of [2 ** -7, -(2 ** -7), 1]) {
      const got = space.shifted(direction, t).flatMap((x) => [...x.data]);
      const expected = [-0, 0, -tiny, tiny, -0 + t * tiny, 3e-310, -0, -0, -0 + t * tiny];
      expect(got.map((x, i) => Object.is(x, expected[i])), `t = ${t}`).toEqual(expected.map(() => true));
    }
  });
});

describe('the typical gradient is one number per differentiable input', () => {
  // inputs of 2 and 3 entries around a nondifferentiable one; gradients of other sizes in each
  const inputs = [tensor([2, -3]), tensor([7]), tensor([-4, 1, 0.5])];
  const gradients = [new Float64Array([1, -1, 100, 300, -200]), new Float64Array([3, 1, -100, 0, 100])];
  const direction = new Float64Array([0.25, 0, 0, 0.5, -0.75]);
  /** Each entry's typical gradient written out, as it was kept before: its input's rms over the gradients. */
  const written = Float64Array.from({ length: 5 }, (_, j) => (j < 2 ? rootMeanSquare(gradients, 0, 2) : rootMeanSquare(gradients, 2, 5)));

  test('noted per input, it sizes the terms around a derivative as the entries written out did, to the bit', () => {
    const target = new GuardedTarget({ name: 'sum', forward: ([x]) => tensor([x!.data[0]!]), vjp: (xs) => xs.map((x) => new Tensor(new Float64Array(x.size), x.shape)) });
    const output = tensor([2]);
    const ctx = newContext(target, inputs, [1], output, resolveOptions({ precision: 'float64' }, output.data), finiteDifferences);
    noteGradients(ctx, gradients);
    expect([...ctx.typical]).toEqual([written[0], written[2]]);
    expect(typicalScale(ctx, direction)).toBe(absDot(written, direction) * AROUND);
    expect(fromGradient(ctx, gradients[0]!)(direction).scale).toBe(absDot(gradients[0]!, direction) + absDot(written, direction) * AROUND);
  });

  test('the backward error’s size: the largest |x|·typical among the entries moved, each at its input’s', () => {
    const space = new InputSpace(inputs, [1], SMALLEST);
    // moved: 2 (first input), 1 and 0.5 (second); −4 is not moved, however large |x|·typical there
    expect(space.backward(direction, Float64Array.of(written[0]!, written[2]!))).toBe(Math.max(2 * written[0]!, 1 * written[3]!, 0.5 * written[4]!));
  });

  test('the largest magnitude moved times the typical gradient is the largest product, to the bit, over entries of every size', () => {
    const seed = Number(process.env.GRADPROP_SEED ?? 6);
    const rng = new Rng(seed);
    const wide = () => (rng.next() < 0.1 ? 0 : randomEntry(rng) * 2 ** Math.floor(200 * rng.next() - 100));
    const inputs = [0, 1, 2].map(() => new Tensor(Float64Array.from({ length: 1000 }, wide), [1000]));
    const space = new InputSpace(inputs, [], SMALLEST);
    const typical = Float64Array.from([0, 1, 2], () => Math.abs(wide()));
    // a third of the entries not moved
    const direction = Float64Array.from({ length: 3000 }, () => (rng.next() < 1 / 3 ? 0 : 1));
    let products = 0;
    for (let j = 0; j < 3000; j++) if (direction[j] !== 0) products = Math.max(products, Math.abs(inputs[Math.floor(j / 1000)]!.data[j % 1000]!) * typical[Math.floor(j / 1000)]!);
    expect(space.backward(direction, typical), `GRADPROP_SEED=${seed}`).toBe(products);
  });
});

describe('random directions are rounded to exact steps', () => {
  // x + t·d is exact for every planned t ≥ 2^-10 when d is a multiple of ulp(x)/2^-10
  test.each([
    ['float64', 52, 2 ** (8 - 52) / SMALLEST],
    ['float32', 23, 2 ** (8 - 23) / SMALLEST],
  ])('%s: every entry of the direction is a whole number of quanta, zeros are not rounded', (_, bits, quantum) => {
    const space = new InputSpace([tensor([0]), tensor([300.1, -257, 300.7, 511.5])], [], SMALLEST, bits);
    const direction = space.randomDirection(new Rng(3));
    const moved = [...direction.slice(1)];
    for (const d of moved) expect(Number.isInteger(d / quantum)).toBe(true);
    expect(moved.every((d) => Math.abs(d) >= 0.5 && Math.abs(d) < 1.5 + quantum)).toBe(true);
    expect(Number.isInteger(direction[0]! / quantum)).toBe(false);
  });

  test.each([
    ['float64', 52],
    ['float32', 23],
  ])('%s: each entry is the odd multiple of its quantum nearest the entry drawn — tiny, subnormal, huge, a hair below a power of two', (_, bits) => {
    const x = tensor([2 ** -1074, -3e-310, 2 ** -1022, 1, -1, 0.5, 2 ** 20 * (1 - 2 ** -53), 1023.9999999999999, -1e300, 1e308, 0, -0, 300.1, -7.25]);
    const space = new InputSpace([x], [], SMALLEST, bits);
    const seed = Number(process.env.GRADPROP_SEED ?? 3);
    const direction = space.randomDirection(new Rng(seed));
    const replay = new Rng(seed);
    const wrong = [...x.data].flatMap((xi, i) => {
      const drawn = space.scale[i]! * randomEntry(replay);
      const quantum = xi === 0 ? 0 : Math.max(2 ** (Math.floor(Math.log2(Math.abs(xi))) - bits), Number.MIN_VALUE) / SMALLEST;
      const k = direction[i]! / quantum;
      const right = quantum === 0 ? direction[i] === drawn : Number.isInteger(k) && Math.abs(k % 2) === 1 && Math.abs(direction[i]! - drawn) <= quantum;
      return right ? [] : [`x = ${xi}: ${direction[i]} for ${drawn} (quantum ${quantum}), replay with GRADPROP_SEED=${seed}`];
    });
    expect(wrong).toEqual([]);
  });

  test('the odd multiple is the one nearest d, up from an even multiple; from ±0, the quantum — at quanta from 2^-1040 to 2^999', () => {
    // k the nearest multiple (halves up, as Math.round takes them), moved to the odd one on d's side
    const nearestOdd = (d: number, q: number) => {
      const k = Math.round(d / q);
      return (Math.abs(k % 2) === 1 ? k : k + (d >= k * q ? 1 : -1)) * q;
    };
    const seed = Number(process.env.GRADPROP_SEED ?? 5);
    const rng = new Rng(seed);
    const wrong: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const q = 2 ** Math.floor(-1040 + 2040 * rng.next());
      // within 2^20 quanta; a quarter of them whole or half multiples
      const r = (rng.next() < 0.5 ? -1 : 1) * 2 ** (20 * rng.next());
      const d = rng.next() < 0.25 ? (Math.round(2 * r) / 2) * q : r * q;
      if (!Object.is(oddStep(d, q), nearestOdd(d, q))) wrong.push(`d = ${d}, q = ${q}: ${oddStep(d, q)} for ${nearestOdd(d, q)}`);
    }
    for (const [r, k] of [[0, 1], [-0, 1], [2, 3], [-2, -1], [0.5, 1], [-0.5, -1], [1.5, 1], [-1.5, -1], [2.5, 3], [-2.5, -3]] as const) {
      if (!Object.is(oddStep(r * 2 ** -20, 2 ** -20), k * 2 ** -20)) wrong.push(`${r} quanta: ${oddStep(r * 2 ** -20, 2 ** -20) / 2 ** -20} for ${k}`);
    }
    expect(wrong, `GRADPROP_SEED=${seed}`).toEqual([]);
  });

  const huge = 3e5 + 0.1;
  test('a float64 target far from 0 is probed at every entry: its direction is not rounded to float32 steps', () => {
    // float32 quanta there are 2^18-23/2^-10 = 32, more than the entries' scale of 4
    const identity: Differentiable = {
      name: 'identity',
      forward: ([x]) => x!,
      vjp: ([x], g) => [new Tensor(g.data.map((v, i) => (i === 1 ? 1.01 * v : v)), x!.shape)],
    };
    expect(checkGradients(identity, [tensor([huge, huge + 1, huge + 2])], { mode: 'fast', maxMismatches: 0 }).verdict).toBe('fail');
  });

  test.each([
    // 1e6·(x − 300) beside 300: a step that rounds x is read as an error of the derivative a million times over
    ['float64', tensor([300.1, 300.7, 299.3]), (v: number) => 1e6 * (v - 300)],
    ['float32 (detected from the output)', tensor([Math.fround(300.1), Math.fround(300.7), Math.fround(299.3)]), (v: number) => Math.fround(1000 * (Math.fround(v) - 300))],
  ])('an affine target’s probe agrees to a hundredth of its tolerance (%s)', (_, x, f) => {
    const slope = f(301) - f(300);
    const affine: Differentiable = {
      name: 'affine',
      forward: ([x]) => new Tensor(x!.data.map(f), x!.shape),
      vjp: (_x, g) => [new Tensor(g.data.map((v) => slope * v), g.shape)],
    };
    for (const seed of [0, 2]) {
      const report = checkGradients(affine, [x], { mode: 'full', seed });
      expect(report.worst!.absError / report.worst!.tolerance).toBeLessThan(0.01);
    }
  });
});

describe('random vectors', () => {
  test('each entry: a sign drawn first (below 1/2 is negative), then a magnitude 1/2 + a draw', () => {
    const rng = new Rng(11);
    const replay = new Rng(11);
    const expected = () => (replay.next() < 0.5 ? -1 : 1) * (0.5 + replay.next());
    const drawn = [...randomVector(rng, 5), ...randomVector(rng, 3)];
    expect(drawn).toEqual(Array.from({ length: 8 }, expected));
    expect(drawn.some((v) => v < 0) && drawn.some((v) => v > 0)).toBe(true);
  });

  test('the sign read off one bit of the draw is the comparison with ½, at every seed', () => {
    for (const seed of [0, 1, 7, 12345]) {
      const replay = new Rng(seed);
      const expected = Array.from({ length: 20_000 }, () => (replay.next() < 0.5 ? -1 : 1) * (0.5 + replay.next()));
      expect([...randomVector(new Rng(seed), 20_000)]).toEqual(expected);
    }
  });

  /** Entries spread over 2^±60 with zeros among them: sums taken in another order, or scaled otherwise, end in other bits. */
  const wide = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => (rng.next() < 0.05 ? 0 : randomEntry(rng) * 2 ** Math.floor(120 * rng.next() - 60)));

  test('sums fused into one pass are the separate passes’ sums, to the bit — over a direction’s support only', () => {
    const seed = Number(process.env.GRADPROP_SEED ?? 4);
    const rng = new Rng(seed);
    for (const n of [3, 7, 10_000]) {
      // three inputs, each with its typical gradient, written out at its entries for the separate sums
      const third = Math.floor(n / 3);
      const sizes = [third, third, n - 2 * third];
      const space = new InputSpace(sizes.map((size) => new Tensor(wide(rng, size), [size])), [], SMALLEST);
      const typical = Float64Array.from(sizes, () => randomEntry(rng) * 2 ** Math.floor(120 * rng.next() - 60));
      const w = Float64Array.from({ length: n }, (_, j) => typical[j < third ? 0 : j < 2 * third ? 1 : 2]!);
      const [a, d] = [wide(rng, n), wide(rng, n)];
      // a direction everywhere; one over a stretch across the inputs' bounds, 0 and −0 around it; none
      const stretch = d.map((v, j) => (j >= third - 1 && j <= 2 * third ? v : j % 2 ? 0 : -0));
      for (const [name, along] of [['everywhere', d], ['a stretch', stretch], ['none', new Float64Array(n)]] as const) {
        const separate = { dot: dot(a, along), terms: absDot(a, along), around: absDot(w, along) };
        expect(space.dotWithSizes(a, along, typical), `${name}, n = ${n}, GRADPROP_SEED=${seed}`).toEqual(separate);
        expect(space.typicalAlong(along, typical), `${name}, n = ${n}, GRADPROP_SEED=${seed}`).toBe(separate.around);
      }
      // two at a pass, and the odd one out on its own
      const f = w.map((x) => x * 3);
      expect([...dots([a, d, w], f)], `n = ${n}, GRADPROP_SEED=${seed}`).toEqual([a, d, w].map((v) => dot(v, f)));
      let squares = 0;
      const products = a.map((ai, i) => Math.abs(ai * d[i]!));
      const largest = products.reduce((m, p) => Math.max(m, p), 0);
      for (const p of products) squares += (p / largest) ** 2;
      const spread = largest === 0 ? 0 : largest * Math.sqrt(squares);
      expect(productSizes(a, d), `n = ${n}, GRADPROP_SEED=${seed}`).toEqual({ weight: absDot(a, a.map(() => 1)), terms: absDot(a, d), spread });
    }
  });

  test('a product near overflow keeps the spread finite; an infinite one is the spread', () => {
    expect(productSizes(new Float64Array([2 ** 500, 2 ** 500]), new Float64Array([2 ** 500, -(2 ** 500)])).spread).toBe(2 ** 1000 * Math.SQRT2);
    expect(productSizes(new Float64Array([1e200, 1]), new Float64Array([1e200, 1e200])).spread).toBe(Infinity);
  });

  test('dot and absDot', () => {
    expect(dot([1, -2, 3], [4, 5, -6])).toBe(4 - 10 - 18);
    expect(absDot([1, -2, 3], [4, 5, -6])).toBe(4 + 10 + 18);
  });
});
