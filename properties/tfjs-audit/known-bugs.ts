/**
 * The gradient bugs of TensorFlow.js 4.22 that the audit finds, each with what a check must show,
 * a one-line reproduction in plain tfjs, and the kernel's function reimplemented in float64 from
 * its definition — the audit differentiates that reimplementation by central differences to confirm
 * every bug without tfjs or gradprop (properties/tfjs-audit.prop.ts).
 */
import type { Tensor } from '../../src/tensor/index.js';
import { broadcastAt, broadcastShape, build, positive } from './float64.js';

export interface KnownBug {
  /** The bug in one line, as the README lists it. */
  summary: string;
  /** Plain tfjs (`tf` is @tensorflow/tfjs-core with its gradients registered): an expression giving tfjs's gradient as an array, or throwing. */
  reproduction: string;
  /** The right value of the reproduction's gradient, derived by hand; absent when tfjs throws. */
  right?: number[];
  /** Where the bug is: a gradient tfjs-core registers (or a tf.customGrad in it), or a backward kernel of the CPU backend. */
  where: 'tfjs-core' | 'tfjs-backend-cpu';
  /**
   * What a check must show: a vjp that throws (naming the kernel), or a failed comparison at an
   * entry of `input` (or a non-finite gradient, when tfjs reads past its buffers); 'hangs' cannot be
   * checked in-process and is confirmed by its reproduction in a child process.
   */
  shows: { problem: 'throws' } | { problem: 'mismatch'; input: number } | { problem: 'hangs' };
  /** Whether the bug shows at some inputs only (where a maximum lands), so that some cases pass. */
  intermittent?: true;
  /** The kernel's function in float64, written from its definition. */
  forward64(inputs: Tensor[], attrs: any): Tensor;
}

const elementwise = (f: (a: number, b: number) => number) => ([a, b]: Tensor[]) => build(broadcastShape(a!.shape, b!.shape), (i) => f(broadcastAt(a!, i), broadcastAt(b!, i)));

/** A binary kernel whose gradient is not summed over the axes an input was broadcast along. */
function unreducedBroadcast(kernel: string, op: string, f: (a: number, b: number) => number): KnownBug {
  return {
    summary: `${kernel}: the gradient of an input that was broadcast is not summed back to its shape, so tf.grads throws (tfjs's shape check)`,
    reproduction: `tf.grads((a, b) => tf.${op}(a, b))([tf.tensor([1]), tf.tensor([0.5, 2])])`,
    where: 'tfjs-core',
    shows: { problem: 'throws' },
    forward64: elementwise(f),
  };
}

type Padding = 'valid' | 'same';

/** Padding before each spatial axis, and the output sides, as TensorFlow defines them. */
function windows(sides: number[], size: number[], stride: number, dilation: number, pad: Padding) {
  const effective = size.map((s) => (s - 1) * dilation + 1);
  const out = sides.map((side, i) => (pad === 'same' ? Math.ceil(side / stride) : Math.ceil((side - effective[i]! + 1) / stride)));
  const before = sides.map((side, i) => (pad === 'same' ? Math.floor(Math.max((out[i]! - 1) * stride + effective[i]! - side, 0) / 2) : 0));
  return { out, before };
}

/** Every offset in a window of `size` (any number of axes). */
function offsets(size: number[]): number[][] {
  return size.reduce<number[][]>((all, side) => all.flatMap((o) => Array.from({ length: side }, (_, p) => [...o, p])), [[]]);
}

/** Average or max pooling over [N, ...spatial, C], the average over the entries inside the input. */
function pool64(x: Tensor, size: number[], stride: number, pad: Padding, reduce: 'mean' | 'max'): Tensor {
  const sides = x.shape.slice(1, -1);
  const { out, before } = windows(sides, size, stride, 1, pad);
  const window = offsets(size);
  return build([x.shape[0]!, ...out, x.shape.at(-1)!], (index) => {
    const values = window
      .map((o) => o.map((p, a) => index[1 + a]! * stride + p - before[a]!))
      .filter((at) => at.every((v, a) => v >= 0 && v < sides[a]!))
      .map((at) => x.get(index[0]!, ...at, index.at(-1)!));
    return reduce === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length;
  });
}

/** conv2d (NHWC, filter [h, w, in, out]) or, `depthwise`, depthwiseConv2d (filter [h, w, in, multiplier]). */
function conv64([x, filter]: Tensor[], { stride, pad, dilation }: { stride: number; pad: Padding; dilation: number }, depthwise: boolean): Tensor {
  const [, h, w, channels] = x!.shape as number[];
  const [fh, fw, , k] = filter!.shape as number[];
  const { out, before } = windows([h!, w!], [fh!, fw!], stride, dilation, pad);
  return build([x!.shape[0]!, out[0]!, out[1]!, depthwise ? channels! * k! : k!], ([n, i, j, o]) => {
    let sum = 0;
    for (const [p, q] of offsets([fh!, fw!])) {
      const [r, c] = [i! * stride + p! * dilation - before[0]!, j! * stride + q! * dilation - before[1]!];
      if (r < 0 || r >= h! || c < 0 || c >= w!) continue;
      if (depthwise) sum += x!.get(n!, r, c, Math.floor(o! / k!)) * filter!.get(p!, q!, Math.floor(o! / k!), o! % k!);
      else for (let ch = 0; ch < channels!; ch++) sum += x!.get(n!, r, c, ch) * filter!.get(p!, q!, ch, o!);
    }
    return sum;
  });
}

/** Where output row/column `o` reads from, as tfjs's CPU kernels compute it (TensorFlow's definition). */
function resizeRatio(from: number, to: number, alignCorners: boolean): number {
  return alignCorners && to > 1 ? (from - 1) / (to - 1) : from / to;
}

function bilinear64([x]: Tensor[], { size, alignCorners, halfPixelCenters }: { size: [number, number]; alignCorners: boolean; halfPixelCenters: boolean }): Tensor {
  const [, h, w] = x!.shape as number[];
  const source = (o: number, from: number, to: number) => {
    const s = halfPixelCenters ? resizeRatio(from, to, alignCorners) * (o + 0.5) - 0.5 : resizeRatio(from, to, alignCorners) * o;
    const low = Math.max(0, Math.floor(s));
    return { low, high: Math.min(from - 1, Math.ceil(s)), frac: s - low };
  };
  return build([x!.shape[0]!, size[0], size[1], x!.shape[3]!], ([n, i, j, c]) => {
    const [r, q] = [source(i!, h!, size[0]), source(j!, w!, size[1])];
    const top = x!.get(n!, r.low, q.low, c!) + (x!.get(n!, r.low, q.high, c!) - x!.get(n!, r.low, q.low, c!)) * q.frac;
    const bottom = x!.get(n!, r.high, q.low, c!) + (x!.get(n!, r.high, q.high, c!) - x!.get(n!, r.high, q.low, c!)) * q.frac;
    return top + (bottom - top) * r.frac;
  });
}

function nearest64([x]: Tensor[], { size, alignCorners, halfPixelCenters }: { size: [number, number]; alignCorners: boolean; halfPixelCenters: boolean }): Tensor {
  const [, h, w] = x!.shape as number[];
  const source = (o: number, from: number, to: number) => {
    const s = resizeRatio(from, to, alignCorners) * (halfPixelCenters ? o + 0.5 : o);
    const nearest = Math.min(from - 1, alignCorners ? Math.round(s) : Math.floor(s));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  };
  return build([x!.shape[0]!, size[0], size[1], x!.shape[3]!], ([n, i, j, c]) => x!.get(n!, source(i!, h!, size[0]), source(j!, w!, size[1]), c!));
}

export const KNOWN_BUGS = {
  castToInt: {
    where: 'tfjs-core',
    summary: 'Cast to int32: the gradient passes through (1) where truncation is constant (0)',
    reproduction: `Array.from(tf.grad((x) => tf.cast(tf.cast(x, 'int32'), 'float32'))(tf.tensor([1.5])).dataSync())`,
    right: [0],
    shows: { problem: 'mismatch', input: 0 },
    forward64: ([x]) => build(x!.shape, (i) => Math.trunc(x!.get(...i))),
  },
  floorDiv: {
    where: 'tfjs-core',
    summary: "FloorDiv: the gradient is a / b's (1/b and −a/b²) where floor(a / b) is constant (0)",
    reproduction: `Array.from(tf.grad((a) => tf.floorDiv(a, tf.scalar(2)))(tf.tensor([3])).dataSync())`,
    right: [0],
    shows: { problem: 'mismatch', input: 0 },
    forward64: elementwise((a, b) => Math.floor(a / b)),
  },
  squaredDifference: unreducedBroadcast('SquaredDifference', 'squaredDifference', (a, b) => (a - b) ** 2),
  maximum: unreducedBroadcast('Maximum', 'maximum', Math.max),
  minimum: unreducedBroadcast('Minimum', 'minimum', Math.min),
  prelu: {
    where: 'tfjs-core',
    summary: "Prelu: when x is broadcast against a larger alpha, x's gradient is not summed back to its shape, so tf.grads throws",
    reproduction: `tf.grads((x, alpha) => tf.prelu(x, alpha))([tf.tensor([-1]), tf.tensor([0.1, 0.2])])`,
    shows: { problem: 'throws' },
    forward64: elementwise((x, alpha) => (x > 0 ? x : alpha * x)),
  },
  prodNegativeAxis: {
    where: 'tfjs-core',
    summary: 'Prod: with a negative axis (tf.prod(x, -1)) the gradient throws in transpose',
    reproduction: `tf.grad((x) => tf.prod(x, -1))(tf.tensor([2, 3]))`,
    shows: { problem: 'throws' },
    forward64: ([x], { axis, keepDims }) => {
      const axes = (axis === undefined ? x!.shape.map((_, a) => a) : [axis].flat()).map((a: number) => positive(a, x!.rank));
      const shape = x!.shape.flatMap((side, a) => (axes.includes(a) ? (keepDims ? [1] : []) : [side]));
      return build(shape, (index) => {
        let product = 1;
        const kept = x!.shape.map((_, a) => a).filter((a) => !axes.includes(a));
        build(axes.map((a: number) => x!.shape[a]!), (inner) => {
          const full = x!.shape.map((_, a) => (axes.includes(a) ? inner[axes.indexOf(a)]! : index[keepDims ? a : kept.indexOf(a)]!));
          product *= x!.get(...full);
          return 0;
        });
        return product;
      });
    },
  },
  cumsumAxis: {
    where: 'tfjs-core',
    summary: 'Cumsum along any axis but the last: the gradient comes back transposed — tf.grads throws, or (square) is wrong',
    reproduction: `tf.grad((x) => tf.cumsum(x, 0))(tf.tensor([[1, 2, 3], [4, 5, 6]]))`,
    shows: { problem: 'throws' },
    forward64: ([x], { axis, exclusive, reverse }) =>
      build(x!.shape, (index) => {
        const i = index[axis]!;
        let sum = 0;
        for (let j = 0; j < x!.shape[axis]!; j++) {
          if (reverse ? j > i || (j === i && !exclusive) : j < i || (j === i && !exclusive)) sum += x!.get(...index.map((v, a) => (a === axis ? j : v)));
        }
        return sum;
      }),
  },
  unstackSizeOne: {
    where: 'tfjs-core',
    summary: 'Unpack (tf.unstack) along an axis of size 1: the gradient throws ("Argument tensors passed to stack must be a `Tensor[]`")',
    reproduction: `tf.grad((x) => tf.unstack(x)[0])(tf.tensor([1]))`,
    shows: { problem: 'throws' },
    forward64: ([x], { axis, pick }) => build(x!.shape.filter((_, a) => a !== axis), (index) => x!.get(...[...index.slice(0, axis), pick, ...index.slice(axis)])),
  },
  mirrorPad: {
    where: 'tfjs-core',
    summary: 'MirrorPad: the gradient drops the mirrored copies (it slices the centre out), so padded entries get too little',
    reproduction: `Array.from(tf.grad((x) => tf.mirrorPad(x, [[1, 0]], 'reflect'))(tf.tensor([1, 2])).dataSync())`,
    right: [1, 2],
    shows: { problem: 'mismatch', input: 0 },
    forward64: ([x], { paddings, mode }: { paddings: number[][]; mode: 'reflect' | 'symmetric' }) => {
      // an index outside [0, n) reflects about the edge entry (reflect) or the edge itself (symmetric)
      const shift = mode === 'symmetric' ? 1 : 0;
      const source = (at: number, n: number) => (at < 0 ? -at - shift : at >= n ? 2 * n - 2 + shift - at : at);
      return build(
        x!.shape.map((side, a) => side + paddings[a]![0]! + paddings[a]![1]!),
        (index) => x!.get(...index.map((v, a) => source(v - paddings[a]![0]!, x!.shape[a]!))),
      );
    },
  },
  matMulBroadcast: {
    where: 'tfjs-core',
    summary: "BatchMatMul (tf.matMul) with broadcast batch axes: the gradient is not summed over them, so tf.grads throws (tfjs's shape check)",
    reproduction: `tf.grads((a, b) => tf.matMul(a, b))([tf.ones([1, 2, 2]), tf.ones([3, 2, 2])])`,
    shows: { problem: 'throws' },
    forward64: ([a, b], { transposeA, transposeB }) => {
      const entry = (t: Tensor, batch: number[], i: number, j: number, transposed: boolean) => broadcastAt(t, [...batch, ...(transposed ? [j, i] : [i, j])]);
      const [m, k] = transposeA ? [a!.shape.at(-1)!, a!.shape.at(-2)!] : [a!.shape.at(-2)!, a!.shape.at(-1)!];
      const n = transposeB ? b!.shape.at(-2)! : b!.shape.at(-1)!;
      return build([...broadcastShape(a!.shape.slice(0, -2), b!.shape.slice(0, -2)), m, n], (index) => {
        const [batch, i, j] = [index.slice(0, -2), index.at(-2)!, index.at(-1)!];
        let sum = 0;
        for (let p = 0; p < k; p++) sum += entry(a!, batch, i, p, transposeA) * entry(b!, batch, p, j, transposeB);
        return sum;
      });
    },
  },
  conv2dDilation: {
    where: 'tfjs-core',
    summary: 'Conv2D with dilations > 1: the gradient throws ("dilation rates greater than 1 are not yet supported in gradients")',
    reproduction: `tf.grads((x, f) => tf.conv2d(x, f, 1, 'valid', 'NHWC', 2))([tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1])])`,
    shows: { problem: 'throws' },
    forward64: (inputs, attrs) => conv64(inputs, attrs, false),
  },
  depthwiseDilation: {
    where: 'tfjs-core',
    summary: 'DepthwiseConv2dNative with dilations > 1: the gradient throws ("dilation rates greater than 1 are not yet supported")',
    reproduction: `tf.grads((x, f) => tf.depthwiseConv2d(x, f, 1, 'valid', 'NHWC', 2))([tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1])])`,
    shows: { problem: 'throws' },
    forward64: (inputs, attrs) => conv64(inputs, attrs, true),
  },
  avgPoolSame: {
    where: 'tfjs-backend-cpu',
    summary: "AvgPool with 'same' padding: the forward averages over the entries inside the input, the gradient divides by the whole window",
    reproduction: `Array.from(tf.grad((x) => tf.avgPool(x, 2, 1, 'same'))(tf.ones([1, 2, 2, 1])).dataSync())`,
    right: [0.25, 0.75, 0.75, 2.25],
    shows: { problem: 'mismatch', input: 0 },
    forward64: ([x], { size, stride, pad }) => pool64(x!, size, stride, pad, 'mean'),
  },
  avgPool3dSame: {
    where: 'tfjs-backend-cpu',
    summary: "AvgPool3D with 'same' padding: as AvgPool, the gradient divides by the whole window where the forward does not",
    reproduction: `Array.from(tf.grad((x) => tf.avgPool3d(x, 2, 1, 'same'))(tf.ones([1, 2, 1, 1, 1])).dataSync())`,
    right: [0.5, 1.5],
    shows: { problem: 'mismatch', input: 0 },
    forward64: ([x], { size, stride, pad }) => pool64(x!, size, stride, pad, 'mean'),
  },
  maxPool3dWindow: {
    where: 'tfjs-backend-cpu',
    summary: 'MaxPool3D with a window whose height and width differ: the gradient goes to the wrong entry',
    reproduction: `Array.from(tf.grad((x) => tf.maxPool3d(x, [1, 2, 1], 1, 'valid'))(tf.tensor5d([1, 2, 3], [1, 1, 3, 1, 1])).dataSync())`,
    right: [0, 1, 1],
    shows: { problem: 'mismatch', input: 0 },
    intermittent: true,
    forward64: ([x], { size, stride, pad }) => pool64(x!, size, stride, pad, 'max'),
  },
  resizeBilinearShape: {
    where: 'tfjs-backend-cpu',
    summary: 'ResizeBilinear of an image whose height and width differ: the gradient has them swapped, so tf.grads throws',
    reproduction: `tf.grad((x) => tf.image.resizeBilinear(x, [3, 3]))(tf.ones([1, 2, 3, 1]))`,
    shows: { problem: 'throws' },
    forward64: bilinear64,
  },
  resizeBilinearHalfPixel: {
    where: 'tfjs-backend-cpu',
    summary: 'ResizeBilinear with halfPixelCenters: the gradient ignores them (it spreads as without)',
    reproduction: `Array.from(tf.grad((x) => tf.image.resizeBilinear(x, [1, 1], false, true))(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).dataSync())`,
    right: [0.25, 0.25, 0.25, 0.25],
    shows: { problem: 'mismatch', input: 0 },
    forward64: bilinear64,
  },
  resizeNearestBatch: {
    where: 'tfjs-backend-cpu',
    summary: 'ResizeNearestNeighbor of a batch of more than one image, resized: the backward reads the later images\' cotangent at the wrong offset (wrong values, or NaN past the end)',
    reproduction: `Array.from(tf.grad((x) => tf.image.resizeNearestNeighbor(x, [1, 2]))(tf.ones([2, 1, 1, 1]), tf.tensor4d([1, 2, 3, 4], [2, 1, 2, 1])).dataSync())`,
    right: [3, 7],
    shows: { problem: 'mismatch', input: 0 },
    forward64: nearest64,
  },
  resizeNearestHang: {
    where: 'tfjs-backend-cpu',
    summary: 'ResizeNearestNeighbor with alignCorners, from a side of 1 to a longer one: the backward never returns (its search window is Infinity)',
    reproduction: `tf.grad((x) => tf.image.resizeNearestNeighbor(x, [2, 2], true))(tf.ones([1, 1, 1, 1]))`,
    shows: { problem: 'hangs' },
    forward64: ([x], size) => nearest64([x!], { size, alignCorners: true, halfPixelCenters: false }),
  },
  resizeNearestHalfPixel: {
    where: 'tfjs-backend-cpu',
    summary: 'ResizeNearestNeighbor with halfPixelCenters: the gradient ignores them, and goes to other entries than the forward read',
    reproduction: `Array.from(tf.grad((x) => tf.image.resizeNearestNeighbor(x, [1, 1], false, true))(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).dataSync())`,
    right: [0, 0, 0, 1],
    shows: { problem: 'mismatch', input: 0 },
    forward64: nearest64,
  },
  softmaxCrossEntropyLabels: {
    where: 'tfjs-core',
    summary: "tf.losses.softmaxCrossEntropy (a tf.customGrad in tfjs-core): the labels' gradient is minus the logits' — it should be −log softmax(logits)",
    reproduction: `Array.from(tf.grads((y, z) => tf.losses.softmaxCrossEntropy(y, z))([tf.tensor([[0.5, 0.5]]), tf.tensor([[0, 0]])])[0].dataSync())`,
    right: [Math.LN2, Math.LN2],
    shows: { problem: 'mismatch', input: 0 },
    forward64: ([labels, logits]) => {
      const [rows, classes] = logits!.shape as [number, number];
      let total = 0;
      for (let n = 0; n < rows; n++) {
        const z = Array.from({ length: classes }, (_, c) => logits!.get(n, c));
        const top = Math.max(...z);
        const lse = top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
        z.forEach((v, c) => (total -= labels!.get(n, c) * (v - lse)));
      }
      return build([], () => total / rows);
    },
  },
} satisfies Record<string, KnownBug>;

/**
 * Met on the way, by the float64 reimplementations rather than by a gradient check (the backward
 * agrees with the forward it has): forwards that differ from TensorFlow's definition.
 */
export const FORWARD_BUGS = {
  pool3dSamePadding: {
    where: 'tfjs-core',
    summary: "maxPool3d and avgPool3d with 'same' padding and stride 2 read windows shifted by one: computePool3DInfo gives negative padding (top: −1) where the 2D pools and conv3d give 0",
    reproduction: `Array.from(tf.maxPool3d(tf.tensor([1, 2, 3, 4], [1, 1, 2, 2, 1]), 1, 2, 'same').dataSync())`,
    right: [1],
  },
} satisfies Record<string, Pick<KnownBug, 'where' | 'summary' | 'reproduction' | 'right'>>;
