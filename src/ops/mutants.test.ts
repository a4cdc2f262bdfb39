/**
 * Tests that kill the mutants Stryker left alive in src/ops (see MUTATION.md): the registry's names,
 * every argument check and its message, the fast paths against the general ones, ties and edges of
 * max, and the domains drawing what they promise.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { opInputs } from '../arbitraries/index.js';
import { ShapeError, Tensor, randn, scalar, tensor, zeros } from '../tensor/index.js';
import {
  type AnyOp,
  type Draw,
  type ValueSpec,
  abs,
  broadcastTo,
  allOps,
  concat,
  crossEntropy,
  div,
  exp,
  gather,
  log,
  matmul,
  max,
  mean,
  pow,
  relu,
  reshape,
  sigmoid,
  slice,
  sqrt,
  sub,
  sum,
  transpose,
} from './index.js';
import { normalizeAxis } from './axis.js';
import { swapLast } from './shape.js';

/** Values of many draws from an op's domain, from a fixed seed. */
const samples = (op: AnyOp, runs = 200) => fc.sample(opInputs(op.domain), { numRuns: runs, seed: 42 });

test('every op is registered under its own name, and only once', () => {
  expect(allOps().map((op) => op.name).sort()).toEqual(
    ['abs', 'add', 'broadcastTo', 'concat', 'crossEntropy', 'crossEntropyGrad', 'div', 'exp', 'gather', 'log', 'logSoftmax', 'matmul', 'max',
      'mean', 'mse', 'mul', 'neg', 'pad', 'pow', 'relu', 'reshape', 'segmentSum', 'sigmoid', 'slice', 'softmax', 'sqrt', 'square', 'sub', 'sum',
      'sumTo', 'tanh', 'transpose'].sort(),
  );
});

describe('arguments are checked, and the message names the op', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  test.each([
    ['transpose with a repeated axis', () => transpose(x, [1, 1]), 'transpose: expected axes that are a permutation of 0..1 for shape [2, 3], got axes an array of length 2 [1, 1]'],
    ['transpose with too few axes', () => transpose(x, [0]), 'got axes an array of length 1 [0]'],
    ['transpose with an axis past the rank', () => transpose(x, [0, 2]), 'permutation of 0..1'],
    ['transpose with an axis before −rank', () => transpose(x, [-3, 0]), 'permutation of 0..1'],
    ['transpose with a fractional axis', () => transpose(x, [0.5, 1]), 'permutation of 0..1'],
    ['transpose with axes that are not an array', () => transpose(x, 1 as unknown as number[]), 'got axes a number (1)'],
    ['reshape to the wrong size', () => reshape(x, [4, 2]), 'reshape: expected a shape of 6 elements (sides ≥ 0, at most one -1) for input of shape [2, 3], got shape [4, 2]'],
    ['reshape with two free sides', () => reshape(x, [-1, -1]), 'got shape [-1, -1]'],
    ['reshape with a side below −1', () => reshape(x, [-2, -3]), 'got shape [-2, -3]'],
    ['reshape with a fractional side', () => reshape(x, [2.5, 2.4]), 'got shape [2.5, 2.4]'],
    ['reshape with a free side beside a zero', () => reshape(new Tensor(new Float64Array(0), [0]), [0, -1]), 'got shape [0, -1]'],
    ['reshape with a free side that does not divide', () => reshape(x, [4, -1]), 'got shape [4, -1]'],
    ['reshape to something not a shape', () => reshape(x, 6 as unknown as number[]), 'got shape a number (6)'],
    ['slice from a fractional start', () => slice(x, { axis: 1, start: 0.5 }), 'slice: expected 0 ≤ start ≤ end ≤ 3 along axis 1 of shape [2, 3], got start 0.5, end 3'],
    ['slice to a fractional end', () => slice(x, { axis: 1, start: 0, end: 1.5 }), 'got start 0, end 1.5'],
    ['slice from before 0', () => slice(x, { axis: 1, start: -1, end: 2 }), 'got start -1, end 2'],
    ['slice ending before it starts', () => slice(x, { axis: 1, start: 2, end: 1 }), 'got start 2, end 1'],
    ['concat of nothing', () => concat([]), 'concat: expected at least one tensor, got none'],
    ['concat of tensors whose other sides differ', () => concat([x, tensor([[1, 2]])], 0), 'concat: expected tensors of equal rank whose sides agree except along axis 0, got [2, 3], [1, 2]'],
    ['concat of tensors of different rank', () => concat([x, tensor([1, 2, 3])], 0), 'got [2, 3], [3]'],
    ['an axis before −rank', () => sum(x, { axis: -3 }), 'sum: expected an axis in [-2, 2) for shape [2, 3], got axis -3'],
    ['a fractional axis', () => sum(x, { axis: 0.5 }), 'got axis 0.5'],
    ['options that are null', () => mean(x, null as unknown as object), 'mean: expected options { axis?, keepdims? }, got null'],
    ['max over an empty axis', () => max(new Tensor(new Float64Array(0), [2, 0]), { axis: 1 }), 'max: expected a non-empty axis to take the max over, got shape [2, 0]'],
    ['gather from a scalar table', () => gather(scalar(1), tensor([0])), 'gather: expected a table of rank ≥ 1 (rows along axis 0), got shape []'],
    ['a scalar id out of range', () => gather(tensor([1, 2]), scalar(2)), 'gather: id 2 is out of range: the table of shape [2] has 2 rows'],
    ['crossEntropy with targets of the wrong shape', () => crossEntropy(tensor([[0, 0]]), tensor([0, 1])), 'crossEntropy: expected logits [..., C] and integer targets of the logits shape without its last axis, got logits [1, 2] and targets [2]'],
    ['crossEntropy of a scalar', () => crossEntropy(scalar(0), scalar(0)), 'got logits [] and targets []'],
    ['crossEntropy with a fractional target', () => crossEntropy(tensor([[0, 0]]), tensor([0.5])), 'crossEntropy: target 0.5 at [0] is not an integer'],
    ['matmul of a matrix and a vector', () => matmul(x, tensor([1, 2, 3])), 'matmul: expected two tensors of rank ≥ 2'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  test('the errors are ShapeErrors, TypeErrors and RangeErrors as they should be', () => {
    expect(() => reshape(x, [4, 2])).toThrow(ShapeError);
    expect(() => mean(x, null as unknown as object)).toThrow(TypeError);
    expect(() => gather(tensor([1, 2]), scalar(2))).toThrow(RangeError);
  });

  test('negative axes count from the end', () => {
    expect(normalizeAxis('sum', -2, [2, 3])).toBe(0);
    expect(normalizeAxis('sum', -1, [2, 3])).toBe(1);
    expect(transpose(x, [-1, 0]).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(slice(x, { axis: -1, start: 1 }).toArray()).toEqual([[2, 3], [5, 6]]);
  });
});

describe('fast paths agree with the general ones', () => {
  const cube = tensor([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]);
  test('transpose: the identity, a swap of the last two axes, and a general permutation', () => {
    expect(transpose(cube, [0, 1, 2]).toArray()).toEqual(cube.toArray());
    expect(transpose(cube, [0, 2, 1]).toArray()).toEqual([[[0, 3], [1, 4], [2, 5]], [[6, 9], [7, 10], [8, 11]]]);
    expect(transpose(cube, [1, 0, 2]).toArray()).toEqual([[[0, 1, 2], [6, 7, 8]], [[3, 4, 5], [9, 10, 11]]]);
    expect(transpose(cube, [2, 1, 0]).shape).toEqual([3, 2, 2]);
    expect(transpose(cube).get(2, 1, 0)).toBe(cube.get(0, 1, 2));
    expect(transpose.vjp([cube], transpose(cube, [1, 2, 0]), transpose(cube, [1, 2, 0]), { axes: [1, 2, 0] })[0]!.toArray()).toEqual(cube.toArray());
  });

  test('swapLast on a vector is the vector; on matrices larger than a 16 × 16 tile every entry lands', () => {
    expect(swapLast(tensor([1, 2, 3])).toArray()).toEqual([1, 2, 3]);
    const big = randn([2, 17, 35], 1);
    const t = swapLast(big);
    expect(t.shape).toEqual([2, 35, 17]);
    for (const [b, i, j] of [[0, 0, 0], [0, 16, 34], [1, 16, 17], [1, 3, 33], [0, 15, 16]] as const) expect(t.get(b, j, i)).toBe(big.get(b, i, j));
  });

  test('slice of a whole axis, concat of one tensor, reshape with a free side, broadcasting a scalar', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(slice(x, { axis: 0, start: 0 }).toArray()).toEqual(x.toArray());
    expect(concat([x], 1).toArray()).toEqual(x.toArray());
    expect(reshape(x, [-1]).toArray()).toEqual([1, 2, 3, 4]);
    expect(reshape(x, [1, -1, 2]).shape).toEqual([1, 2, 2]);
    expect(div(x, scalar(2)).toArray()).toEqual([[0.5, 1], [1.5, 2]]);
  });

  test('matmul of a stack by a matrix, and of a matrix by a stack, broadcast the batch', () => {
    const a = randn([2, 3, 4], 3);
    const b = randn([4, 5], 4);
    const left = matmul(a, b);
    const right = matmul(transpose(b), transpose(a, [0, 2, 1]));
    expect(left.shape).toEqual([2, 3, 5]);
    expect(right.shape).toEqual([2, 5, 3]);
    expect(right.get(1, 4, 2)).toBeCloseTo(left.get(1, 2, 4), 12);
    for (const m of [1, 2, 3, 5, 6, 7]) {
      const p = randn([m, 3], m);
      const q = randn([3, 2], m + 10);
      const pq = matmul(p, q);
      expect(pq.get(m - 1, 1)).toBeCloseTo(p.get(m - 1, 0) * q.get(0, 1) + p.get(m - 1, 1) * q.get(1, 1) + p.get(m - 1, 2) * q.get(2, 1), 12);
    }
  });
});

describe('max', () => {
  test('a tie goes to the first candidate, in forward and in the gradient', () => {
    const x = tensor([[3, 1, 3], [2, 5, 5]]);
    expect(max.vjp([x], max(x, { axis: 1 }), tensor([1, 1]), { axis: 1 })[0]!.toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(max.vjp([x], max(x, { axis: 0 }), tensor([1, 1, 1]), { axis: 0 })[0]!.toArray()).toEqual([[1, 0, 0], [0, 1, 1]]);
    expect(max(tensor([[[1, 9], [4, 2]], [[8, 0], [3, 7]]]), { axis: 1 }).toArray()).toEqual([[4, 9], [8, 7]]);
  });

  test('its domain keeps every winner at least 0.25 clear of the runner-up, so no case sits on a tie', () => {
    for (const { inputs: [x], attrs } of samples(max)) {
      const top = broadcastTo(max(x!, { ...attrs, keepdims: true }), x!.shape);
      const below = sub(top, x!).data;
      expect(below.filter((d) => d === 0).length).toBe(max(x!, attrs).size);
      expect(below.every((d) => d === 0 || d >= 0.25)).toBe(true);
    }
  });
});

describe('domains draw what they promise', () => {
  const values = (op: AnyOp, input = 0) => samples(op).flatMap(({ inputs }) => [...inputs[input]!.data]);

  test.each([
    [log, 0.2, 4],
    [sqrt, 0.2, 4],
    [exp, -4, 4],
  ] as const)('%s draws values in [%d, %d], reaching both ends', (op, low, high) => {
    const drawn = values(op);
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(low);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(high);
    expect(Math.min(...drawn)).toBeLessThan(low + (high - low) / 8);
    expect(Math.max(...drawn)).toBeGreaterThan(high - (high - low) / 8);
  });

  test('div keeps its denominator in [0.5, 3]; sigmoid draws both signs', () => {
    const denominators = values(div, 1);
    expect(Math.min(...denominators)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...denominators)).toBeLessThanOrEqual(3);
    expect(values(sigmoid).some((v) => v < -1) && values(sigmoid).some((v) => v > 1)).toBe(true);
  });

  test.each([relu, abs])('%s keeps clear of its kink at 0, and declares it', (op) => {
    expect(op.domain.kinks).toEqual([{ input: 0, at: 0 }]);
    expect(Math.min(...values(op).map(Math.abs))).toBeGreaterThan(1e-4);
  });

  test('pow draws positive bases for fractional or negative exponents, and any base for positive integers', () => {
    const drawn = samples(pow).map(({ inputs: [x], attrs }) => ({ exponent: attrs.exponent, min: Math.min(...x!.data) }));
    expect(drawn.filter((d) => !(Number.isInteger(d.exponent) && d.exponent > 0)).every((d) => d.min > 0)).toBe(true);
    expect(drawn.some((d) => Number.isInteger(d.exponent) && d.exponent > 0 && d.min < 0)).toBe(true);
  });

  test('reductions draw an axis, or none, and keepdims both ways', () => {
    for (const op of [sum, max]) {
      const attrs = samples(op).map((s) => s.attrs as { axis?: number; keepdims: boolean });
      expect(attrs.some((a) => a.axis === undefined) && attrs.some((a) => a.axis !== undefined && a.axis < 0)).toBe(true);
      expect(attrs.some((a) => a.keepdims) && attrs.some((a) => !a.keepdims)).toBe(true);
      expect(attrs.every((a) => 'keepdims' in a)).toBe(true);
    }
    expect(samples(max).every(({ inputs: [x] }) => x!.rank >= 1 && x!.size >= 1)).toBe(true);
  });

  test('matmul draws matrices, and batches of them with one batch axis that may broadcast', () => {
    const ranks = samples(matmul).map(({ inputs: [a, b] }) => [a!.rank, b!.rank]);
    expect(ranks.every(([ra, rb]) => ra! <= 3 && rb! <= 3)).toBe(true);
    expect(ranks.some(([ra, rb]) => ra === 2 && rb === 2) && ranks.some(([ra, rb]) => ra === 3 || rb === 3)).toBe(true);
  });

  test('reshape draws free sides and shapes of up to four axes; transpose draws permutations and none', () => {
    const drawn = samples(reshape);
    expect(drawn.every(({ inputs: [x], attrs }) => reshape(x!, (attrs as { shape: number[] }).shape).size === x!.size)).toBe(true);
    const shapes = drawn.map((s) => (s.attrs as { shape: number[] }).shape);
    expect(shapes.some((s) => s.includes(-1)) && shapes.some((s) => !s.includes(-1))).toBe(true);
    expect(shapes.some((s) => s.length === 4) && shapes.every((s) => s.length <= 4)).toBe(true);
    expect(shapes.some((s) => s.length === 1)).toBe(true);
    // sides split off before the last are divisors of the size, not just 1s
    expect(shapes.some((s) => s.slice(0, -1).some((side) => side > 1))).toBe(true);
    const axes = samples(transpose).map((s) => (s.attrs as { axes?: number[] }).axes);
    expect(axes.some((a) => a === undefined) && axes.some((a) => a !== undefined && a.some((axis, i) => axis !== i))).toBe(true);
  });

  test('gather draws ids of up to two axes; concat draws several parts, with negative axes too', () => {
    expect(samples(gather).some(({ inputs: [, ids] }) => ids!.rank === 2)).toBe(true);
    expect(samples(gather).every(({ inputs: [, ids] }) => ids!.rank <= 2)).toBe(true);
    const concats = samples(concat).map((s) => ({ count: s.inputs.length, axis: (s.attrs as { axis: number }).axis, sizes: s.inputs.map((t) => t.size) }));
    expect(concats.some((c) => c.count === 3) && concats.some((c) => c.axis < 0)).toBe(true);
    // the parts differ along the axis, and are not all of side 1 there
    const sides = samples(concat).flatMap(({ inputs, attrs }) => inputs.map((t) => t.shape.at((attrs as { axis: number }).axis)!));
    expect(sides.some((side) => side > 1)).toBe(true);
  });

  // A Draw is an interface any sampler may implement (one that allows sides of 0, say). This one plays
  // a script, so a domain's answer to a given draw can be stated exactly.
  const scripted = (x: Tensor, coins: boolean[]): Draw => ({
    shape: () => [...x.shape],
    broadcastShapes: () => {
      throw new Error('not scripted');
    },
    tensor: () => x,
    ids: () => {
      throw new Error('not scripted');
    },
    int: (_min, max) => max,
    boolean: () => coins.shift() ?? false,
    pick: (choices) => choices[0]!,
  });

  test('reshape draws a valid shape for an empty tensor, its free side resolved to 0', () => {
    // one side split off (there is no divisor of 0: it is 1), then the free side put last
    const { attrs } = reshape.domain.sample(scripted(zeros([2, 0]), [true, false, true]));
    expect(attrs.shape).toEqual([1, 0]);
    expect(reshape(zeros([2, 0]), attrs.shape).shape).toEqual([1, 0]);
  });

  test('max lifts a tied winner clear of the runner-up by the gap, and leaves a clear winner alone', () => {
    const { inputs, attrs } = max.domain.sample(scripted(tensor([[1, 5, 2], [3, 3, 0]]), [true, false]));
    expect(attrs).toEqual({ axis: 1, keepdims: false });
    expect(inputs[0]!.toArray()).toEqual([[1, 5, 2], [3.25, 3, 0]]);
  });

  test.each([relu, abs])('%s asks the Draw for values clear of its kink at 0', (op) => {
    // drawn values rarely land within the margin anyway, so the request itself is what is checked
    const asked: (ValueSpec | undefined)[] = [];
    const draw: Draw = { ...scripted(tensor([1]), []), tensor: (_shape, spec) => (asked.push(spec), tensor([1])) };
    op.domain.sample(draw);
    expect(asked).toEqual([{ avoid: [0] }]);
  });
});
