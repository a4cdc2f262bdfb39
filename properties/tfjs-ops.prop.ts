/**
 * An outside oracle for every registered op: TensorFlow.js 4.22 (CPU backend, float32) computes the
 * same op on the same inputs, drawn from the op's own domain, and
 *   - the forward values agree, and
 *   - the vjp agrees with tfjs's gradient, `tf.grads(f)(inputs, v)`, for a random cotangent v (a
 *     seeded stream, entries ±[0.5, 1.5), never all ones), with respect to every differentiable
 *     input (gather's ids and crossEntropy's targets are int32 constants to tfjs).
 * The jvp is not compared: its agreement with the vjp is the duality law of properties/ops.prop.ts.
 *
 * Each op's tfjs twin is in TFJS below; the registry test fails for a registered op without one, so
 * a new op cannot skip this oracle. Most twins are the tfjs op of the same name. Built from tfjs
 * primitives instead:
 *   - crossEntropy: −mean(logSoftmax(logits)[n, target_n]), gathered at flat positions (tf.oneHot
 *     refuses one class; tfjs's softmaxCrossEntropy is avoided, see bench/tfjs-models.ts);
 *   - mse: mean(square(pred − target));
 *   - crossEntropyGrad: (softmax(logits) − one-hot(targets)) / N, the one-hot from tf.equal;
 *   - sumTo: tf.sum over the broadcast axes, reshaped; segmentSum: tf.unsortedSegmentSum on the
 *     rows flattened by id, reshaped; pad: tf.pad with zeros along the one axis;
 *   - softmax, logSoftmax along an axis other than the last: tfjs supports only the last, so the
 *     axis is swapped to the end and back with tf.transpose (whose gradient is itself checked);
 *   - matmul whose batch axes broadcast (e.g. [1, m, k] · [3, k, n], or [m, k] · [3, k, n]): tfjs's
 *     BatchMatMul gradient does not sum the cotangent over broadcast batch axes and fails ("The
 *     gradient of input 'a' has shape '3,m,k', which does not match the shape of the input
 *     '1,m,k'"), so the operands are first broadcast with tf.broadcastTo, whose gradient sums. Equal
 *     batch axes go through tf.matMul as they are.
 *
 * Agreement. Both sides see the same inputs and cotangent: they are rounded to float32 first (so
 * gradprop computes on exactly the values tfjs is given), and only tfjs's float32 arithmetic
 * separates the answers. For each compared tensor (the output, each input's gradient), with b
 * gradprop's float64 value and a tfjs's, at every entry
 *     |a − b| ≤ 1e-4 · (|b| + scale),   scale = max(max |b|, the size of the terms b is a sum of)
 * over that tensor. The terms: float32 adds up J_ij x_j for the forward and v_i J_ij for a gradient,
 * and an entry that cancels to nearly 0 (a softmax gradient whose cotangent entries nearly agree, a
 * sum of mixed signs) keeps their absolute rounding error, which its own size does not show; so the
 * scale counts max_i Σ_j |J_ij x_j| and max_j Σ_i |v_i J_ij|, with J taken by central differences of
 * gradprop's forward (never from the rules under test, so a broken vjp cannot widen its own
 * tolerance). Without them, 400 cases per op find softmax gradients of 3e-4 off by 9e-8.
 * float32's unit roundoff is 6e-8. Over 1000 cases per op the worst |a − b| / (|b| + scale) seen was
 * 5.4e-6 (crossEntropy's gradient; then tanh's, from 1 − y² near |x| = 3, and softmax's, 3–4e-6;
 * crossEntropy's forward 1.3e-6; all other ops below 3e-7), so the bound is 18× above the worst
 * honest error, and a 0.1% slip (the last broken twins below) reaches 2e-4 to 5e-4 and is caught.
 *
 * Kinks. relu and abs are not differentiable at 0, max where two candidates tie; their domains keep
 * inputs 1e-3 from 0 and the winner 0.25 above the runner-up, which float32 rounding cannot undo,
 * so tfjs's conventions there (abs'(0) = −1 via step(x, −1); max passing the cotangent to every
 * tied entry, gradprop to the first) are never exercised. Nothing is excluded.
 */
import fc from 'fast-check';
import type * as TF from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadTfjsCpu } from '../bench/tfjs-models.js';
import { opInputs } from '../src/arbitraries/index.js';
import {
  type AnyOp,
  type Op,
  type OpSpec,
  add,
  allOps,
  broadcastShapes,
  crossEntropy,
  defineOp,
  exp,
  type MatmulOptions,
  matmul,
  mul,
  softmax,
  tanh,
  unbroadcast,
} from '../src/ops/index.js';
import { Rng, Tensor } from '../src/tensor/index.js';

type Tf = typeof TF;
let tf: Tf;
/**
 * The kernels the twins differentiate through besides those loadTfjsCpu registers for the zoo
 * (Identity: tfjs clones a lone concat input, a rank ≤ 1 transpose, a broadcast to the same shape;
 * Tile: tf.broadcastTo is one).
 * Only these, not register_all_gradients.js, which takes seconds to load; a twin that reaches
 * another kernel fails loudly ("gradient function not found").
 */
const MORE_GRADIENTS = ['Exp', 'Log', 'Abs', 'Sqrt', 'Pow', 'Max', 'Transpose', 'Concat', 'Softmax', 'BroadcastTo', 'Tile', 'Identity', 'PadV2', 'UnsortedSegmentSum'];

beforeAll(async () => {
  tf = await loadTfjsCpu();
  for (const kernel of MORE_GRADIENTS) {
    const configs: Record<string, unknown> = await import(/* @vite-ignore */ `@tensorflow/tfjs-core/dist/gradients/${kernel}_grad.js`);
    for (const config of Object.values(configs)) tf.registerGradient(config as TF.GradConfig);
  }
}, 30_000);

const TOLERANCE = 1e-4;
/** Cases per op, drawn from its domain. */
const RUNS = 25;

/**
 * tfjs's op of the same meaning. `xs` are the op's inputs in order: float32 tensors for the
 * differentiable ones (the variables tfjs differentiates), int32 for ids and targets.
 */
type TfTwin = (xs: TF.Tensor[], attrs: any) => TF.Tensor;

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** softmax or logSoftmax along any axis: tfjs's runs along the last only. */
function alongAxis(f: (x: TF.Tensor) => TF.Tensor, x: TF.Tensor, axis: number): TF.Tensor {
  const at = axisOf(axis, x.rank);
  if (at === x.rank - 1) return f(x);
  const swap = x.shape.map((_, i) => (i === at ? x.rank - 1 : i === x.rank - 1 ? at : i));
  return tf.transpose(f(tf.transpose(x, swap)), swap);
}

function tfMatmul(a: TF.Tensor, b: TF.Tensor, { transposeA = false, transposeB = false }: MatmulOptions = {}): TF.Tensor {
  const [batchA, batchB] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  if (batchA.length === batchB.length && batchA.every((side, i) => side === batchB[i])) return tf.matMul(a, b, transposeA, transposeB);
  // NumPy broadcasting of the batch axes, made explicit (see the header: BatchMatMul's gradient)
  const batch = broadcastShapes('matmul', batchA, batchB);
  return tf.matMul(tf.broadcastTo(a, [...batch, ...a.shape.slice(-2)]), tf.broadcastTo(b, [...batch, ...b.shape.slice(-2)]), transposeA, transposeB);
}

/** The axes summed to take x's shape down to `shape` (NumPy broadcasting run backwards). */
function summedAxes(from: number[], shape: number[]): number[] {
  const lead = from.length - shape.length;
  return from.flatMap((side, i) => (i < lead || (shape[i - lead] === 1 && side !== 1) ? [i] : []));
}

/** One-hot rows of `classes` for int32 targets, as float32: tf.oneHot refuses one class. */
function oneHot(targets: TF.Tensor, classes: number): TF.Tensor {
  return tf.cast(tf.equal(tf.expandDims(targets, -1), tf.range(0, classes, 1, 'int32')), 'float32');
}

const TFJS: Record<string, TfTwin> = {
  neg: ([x]) => tf.neg(x!),
  exp: ([x]) => tf.exp(x!),
  log: ([x]) => tf.log(x!),
  tanh: ([x]) => tf.tanh(x!),
  sigmoid: ([x]) => tf.sigmoid(x!),
  relu: ([x]) => tf.relu(x!),
  abs: ([x]) => tf.abs(x!),
  square: ([x]) => tf.square(x!),
  sqrt: ([x]) => tf.sqrt(x!),
  pow: ([x], { exponent }) => tf.pow(x!, tf.scalar(exponent)),
  add: ([a, b]) => tf.add(a!, b!),
  sub: ([a, b]) => tf.sub(a!, b!),
  mul: ([a, b]) => tf.mul(a!, b!),
  div: ([a, b]) => tf.div(a!, b!),
  sum: ([x], { axis, keepdims }) => tf.sum(x!, axis, keepdims),
  mean: ([x], { axis, keepdims }) => tf.mean(x!, axis, keepdims),
  max: ([x], { axis, keepdims }) => tf.max(x!, axis, keepdims),
  matmul: ([a, b], options) => tfMatmul(a!, b!, options),
  broadcastTo: ([x], { shape }) => tf.broadcastTo(x!, shape),
  sumTo: ([x], { shape }) => tf.reshape(tf.sum(x!, summedAxes(x!.shape, shape)), shape),
  transpose: ([x], { axes }) => tf.transpose(x!, axes),
  reshape: ([x], { shape }) => tf.reshape(x!, shape),
  slice: ([x], { axis, start, end }) => {
    const at = axisOf(axis, x!.rank);
    const begin = x!.shape.map((_, i) => (i === at ? start : 0));
    const size = x!.shape.map((side, i) => (i === at ? (end ?? side) - start : -1));
    return tf.slice(x!, begin, size);
  },
  pad: ([x], { axis, before, after }) => tf.pad(x!, x!.shape.map((_, i) => (i === axisOf(axis, x!.rank) ? [before, after] : [0, 0]))),
  concat: (xs, { axis }) => tf.concat(xs, axis),
  gather: ([table, ids]) => tf.gather(table!, ids!),
  segmentSum: ([values, ids], { count }) => {
    const row = values!.shape.slice(ids!.rank);
    const flat = tf.reshape(values!, [ids!.size, ...row]);
    return tf.reshape(tf.unsortedSegmentSum(flat, tf.reshape(ids!, [ids!.size]), count), [count, ...row]);
  },
  softmax: ([x], { axis }) => alongAxis((t) => tf.softmax(t), x!, axis),
  logSoftmax: ([x], { axis }) => alongAxis((t) => tf.logSoftmax(t), x!, axis),
  crossEntropy: ([logits, targets]) => {
    const classes = logits!.shape[logits!.rank - 1]!;
    const count = targets!.size;
    const picks = tf.add(tf.mul(tf.range(0, count, 1, 'int32'), tf.scalar(classes, 'int32')), tf.reshape(targets!, [count]));
    const logp = tf.reshape(tf.logSoftmax(tf.reshape(logits!, [count, classes])), [-1]);
    return tf.neg(tf.mean(tf.gather(logp, picks)));
  },
  crossEntropyGrad: ([logits, targets]) => {
    const classes = logits!.shape[logits!.rank - 1]!;
    return tf.div(tf.sub(tf.softmax(logits!), oneHot(targets!, classes)), tf.scalar(targets!.size));
  },
  mse: ([pred, target]) => tf.mean(tf.square(tf.sub(pred!, target!))),
};

const toFloat32 = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape);

/** ±[0.5, 1.5) from a seeded stream, float32-representable: never all ones, never near zero. */
function cotangentLike(y: Tensor, seed: number): Tensor {
  const rng = new Rng(seed);
  return new Tensor(
    y.data.map(() => Math.fround((rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5))),
    y.shape,
  );
}

interface Case {
  inputs: Tensor[];
  attrs: unknown;
}

interface Read {
  data: Float64Array;
  shape: number[];
}

/**
 * The worst entry outside the tolerance, described; undefined when every entry agrees. `terms` is
 * the size of the terms the entries are sums of (see termSizes); scale is the larger of it and max |b|.
 */
function compare(what: string, ours: Read, theirs: Read, terms: number): string | undefined {
  if (ours.shape.length !== theirs.shape.length || ours.shape.some((side, i) => side !== theirs.shape[i])) {
    return `${what}: gradprop's shape is [${ours.shape.join(', ')}], tfjs's [${theirs.shape.join(', ')}]`;
  }
  const scale = ours.data.reduce((m, v) => Math.max(m, Math.abs(v)), terms);
  let worst = -1;
  let excess = 0;
  ours.data.forEach((b, i) => {
    const a = theirs.data[i]!;
    const allowed = TOLERANCE * (Math.abs(b) + scale);
    if (Math.abs(a - b) <= allowed) return;
    const over = Number.isNaN(a - b) ? Infinity : Math.abs(a - b) / allowed;
    if (worst < 0 || over > excess) {
      worst = i;
      excess = over;
    }
  });
  if (worst < 0) return undefined;
  const b = ours.data[worst]!;
  const a = theirs.data[worst]!;
  return (
    `${what}, worst entry ${worst} (flat index, shape [${ours.shape.join(', ')}]): gradprop ${b}, tfjs ${a}, ` +
    `|Δ| = ${Math.abs(a - b).toExponential(2)} > ${TOLERANCE}·(|gradprop| + scale ${scale.toExponential(2)})`
  );
}

const read = (t: Tensor): Read => ({ data: t.data, shape: [...t.shape] });

/**
 * How large the terms are that float32 adds up, per compared tensor (see the header): the largest
 * Σ_j |J_ij x_j| over the outputs i, and for each differentiable input k the largest Σ_i |v_i J_ij|
 * over its entries j, with J from central differences of gradprop's forward in float64.
 */
function termSizes(op: AnyOp, inputs: Tensor[], attrs: unknown, variables: number[], v: Tensor): { forward: number; grads: Map<number, number> } {
  const forwardTerms = new Float64Array(v.size);
  const grads = new Map<number, number>();
  for (const k of variables) {
    const x = inputs[k]!;
    let largest = 0;
    for (let j = 0; j < x.size; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(x.data[j]!));
      const at = (step: number) => {
        const moved = Float64Array.from(x.data);
        moved[j]! += step;
        return op.apply(inputs.map((t, i) => (i === k ? new Tensor(moved, x.shape) : t)), attrs).data;
      };
      const [up, down] = [at(h), at(-h)];
      let pulled = 0;
      for (let i = 0; i < v.size; i++) {
        const slope = Math.abs((up[i]! - down[i]!) / (2 * h));
        forwardTerms[i]! += slope * Math.abs(x.data[j]!);
        pulled += Math.abs(v.data[i]!) * slope;
      }
      largest = Math.max(largest, pulled);
    }
    grads.set(k, largest);
  }
  return { forward: forwardTerms.reduce((m, t) => Math.max(m, t), 0), grads };
}

/**
 * Where gradprop's `op` and `twin` (tfjs) disagree on one case — forward, or the vjp of the
 * cotangent drawn from `seed` — as a message naming the op, the inputs and attributes, the worst
 * entry and both values; undefined when they agree.
 */
function disagreement(op: AnyOp, twin: TfTwin, c: Case, seed: number): string | undefined {
  const skip = new Set(op.domain.nondifferentiable ?? []);
  const inputs = c.inputs.map((t, i) => (skip.has(i) ? t : toFloat32(t)));
  const variables = inputs.flatMap((_, i) => (skip.has(i) ? [] : [i]));
  const y = op.apply(inputs, c.attrs);
  const v = cotangentLike(y, seed);
  const ourGrads = op.vjp(inputs as any, y, v, c.attrs);
  const terms = termSizes(op, inputs, c.attrs, variables, v);

  const found: string[] = [];
  tf.tidy(() => {
    const constants = inputs.map((t, i) => (skip.has(i) ? tf.tensor(Int32Array.from(t.data), [...t.shape], 'int32') : undefined));
    const f = (...ds: TF.Tensor[]) => twin(constants.map((t, i) => t ?? ds[variables.indexOf(i)]!), c.attrs);
    const xs = variables.map((i) => tf.tensor(Float32Array.from(inputs[i]!.data), [...inputs[i]!.shape], 'float32'));
    const fromTf = (t: TF.Tensor): Read => ({ data: Float64Array.from(t.dataSync()), shape: [...t.shape] });
    const forward = compare('forward', read(y), fromTf(f(...xs)), terms.forward);
    if (forward) return void found.push(forward);
    const theirGrads = tf.grads(f)(xs, tf.tensor(Float32Array.from(v.data), [...v.shape], 'float32'));
    variables.forEach((i, k) => {
      const ours = ourGrads[i];
      const problem = ours
        ? compare(`gradient of input ${i}`, read(ours), fromTf(theirGrads[k]!), terms.grads.get(i)!)
        : `gradient of input ${i}: gradprop's vjp gave none`;
      if (problem) found.push(problem);
    });
  });
  if (found.length === 0) return undefined;
  return [
    `${op.name} disagrees with tfjs: ${found[0]}`,
    ...inputs.map((t, i) => `  input ${i}${skip.has(i) ? ' (ids)' : ''}: ${t}`),
    `  attrs: ${JSON.stringify(c.attrs)}`,
    `  cotangent (seed ${seed}): ${v}`,
  ].join('\n');
}

/** gradprop's `op` agrees with `twin` on cases from the op's domain. */
function agreesWithTfjs(op: AnyOp, twin: TfTwin) {
  return fc.property(opInputs(op.domain), fc.integer(), (c, seed) => {
    const problem = disagreement(op, twin, c, seed);
    if (problem !== undefined) throw new Error(problem);
  });
}

const ops = allOps();

describe('tfjs-cpu as an outside oracle for every op', () => {
  test('every registered op has a tfjs twin, and every twin a registered op', () => {
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.map((op) => op.name).filter((name) => !(name in TFJS)), 'ops without a tfjs twin').toEqual([]);
    expect(Object.keys(TFJS).filter((name) => !ops.some((op) => op.name === name)), 'twins of no registered op').toEqual([]);
  });

  test.each(ops.map((op) => [op.name, op] as const))('%s: forward and vjp agree with tfjs', (_name, op) => {
    const before = tf.memory().numTensors;
    fc.assert(agreesWithTfjs(op, TFJS[op.name]!), { numRuns: RUNS });
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** A broken copy of `op`: one slip in a rule, never registered, under the name of the slip. */
function twin<N extends number, A>(op: Op<N, A>, slip: string, rules: Partial<OpSpec<N, A, any[]>>): AnyOp {
  return defineOp({ ...op.spec, ...rules, name: `${op.name} (${slip})`, register: false }) as AnyOp;
}

const broken: [original: string, broken: AnyOp][] = [
  // dA = g·b instead of g·bᵀ; the domain draws square b ([k, k]) so that the slip has a shape
  ['matmul', twin(matmul, 'transpose dropped', {
    vjp: ([a, b], y, g) => [unbroadcast(matmul(g, b), a.shape), matmul.vjp([a, b], y, g, undefined)[1]!],
    domain: {
      sample: (draw) => {
        const [m, k] = draw.shape({ minRank: 2, maxRank: 2, minSide: 2 }) as [number, number];
        return { inputs: [draw.tensor([m, k]), draw.tensor([k, k])], attrs: undefined };
      },
    },
  })],
  // the cotangent passed on at the output's shape, not summed over the axes the inputs were broadcast along
  ['add', twin(add, 'broadcast reduction forgotten', { vjp: (_x, _y, g) => [g, g] })],
  // ∂(ab)/∂a taken as a
  ['mul', twin(mul, 'partials swapped', {
    vjp: ([a, b], _y, g) => [unbroadcast(mul(g, a), a.shape), unbroadcast(mul(g, b), b.shape)],
  })],
  // the softmax backward without its −Σ g·y term
  ['softmax', twin(softmax, 'Σ g·y term dropped', { vjp: (_x, y, g) => [mul(y, g)] })],
  // the sum of the per-position losses, not the mean
  ['crossEntropy', twin(crossEntropy, 'batch mean dropped', {
    vjp: (inputs, y, g, attrs) => [mul(crossEntropy.vjp(inputs, y, g, attrs)[0]!, new Tensor(Float64Array.of(inputs[1].size), [])), null],
  })],
  // slips of 0.1%: the tolerance is tight enough to see them, forward and backward
  ['exp', twin(exp, 'forward 0.1% high', { forward: (inputs, attrs) => mul(exp.spec.forward(inputs, attrs), new Tensor(Float64Array.of(1.001), [])) })],
  ['tanh', twin(tanh, 'vjp 0.1% high', { vjp: (x, y, g, attrs) => [mul(tanh.vjp(x, y, g, attrs)[0]!, new Tensor(Float64Array.of(1.001), []))] })],
];

describe('broken twins disagree with tfjs', () => {
  test.each(broken.map(([original, op]) => [op.name, original, op] as const))('%s', (name, original, op) => {
    const result = fc.check(agreesWithTfjs(op, TFJS[original]!), { numRuns: 100, endOnFailure: true });
    expect(result.failed, `${name} agreed with tfjs on ${result.numRuns} cases`).toBe(true);
    // a disagreement the comparison reports, not some other error
    expect(String(result.errorInstance)).toContain(`${name} disagrees with tfjs`);
  });
});
