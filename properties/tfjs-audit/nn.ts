/** The audit's linear algebra and neural-network kernels: matMul, convolutions, pools, normalisations, resizing. */
import * as tf from '@tensorflow/tfjs-core';
import type { Draw } from '../../src/index.js';
import { type AuditedOp, distinct } from './audited-op.js';
import { type KnownBug, KNOWN_BUGS } from './known-bugs.js';

type Padding = 'valid' | 'same';

/** Output side of a window of `size` (dilated) sliding with `stride`, as tfjs computes it. */
const outSide = (side: number, size: number, stride: number, pad: Padding) => (pad === 'same' ? Math.ceil(side / stride) : Math.ceil((side - size + 1) / stride));

interface WindowSpec {
  maxSize?: number;
  /** A fixed dilation; by default 1 or 2 (2 only with stride 1, as tfjs requires). */
  dilation?: number;
  pad?: Padding;
  stride?: number;
}

/**
 * A window (filter or pool) over `spatial` axes: its size per axis, stride, dilation, padding, and
 * input sides at least as large as the dilated window.
 */
function window(draw: Draw, spatial: number, spec: WindowSpec = {}) {
  const size = Array.from({ length: spatial }, () => draw.int(1, spec.maxSize ?? 3));
  const stride = spec.stride ?? draw.int(1, 2);
  const dilation = spec.dilation ?? (stride === 1 ? draw.int(1, 2) : 1);
  const pad = spec.pad ?? draw.pick(['valid', 'same'] as const);
  return { size, stride, dilation, pad, sides: (fitted: number[]) => fitted.map((s) => (s - 1) * dilation + 1 + draw.int(0, 2)) };
}

/**
 * A pool over [N, ...sides, C]: `op(x, size, stride, pad)`, on distinct values when it picks a
 * maximum; `adjust` may change the window (a variant's constraint) before the input is drawn.
 */
function pool(
  kernel: string,
  spatial: 2 | 3,
  op: (x: any, size: any, stride: number, pad: Padding) => tf.Tensor,
  picks: boolean,
  spec: WindowSpec = {},
  adjust?: (size: number[], draw: Draw) => void,
): AuditedOp {
  return {
    kernel,
    call: ([x], { size, stride, pad }) => op(x!, size, stride, pad),
    sample: (draw) => {
      const { size, stride, pad, sides } = window(draw, spatial, { ...spec, dilation: 1 });
      adjust?.(size, draw);
      const shape = [draw.int(1, 2), ...sides(size), draw.int(1, 2)];
      return { inputs: [picks ? distinct(draw, shape) : draw.tensor(shape)], attrs: { size, stride, pad } };
    },
  };
}

/** conv2d or depthwiseConv2d, dilated (tfjs's gradient refuses) or not. */
function convolution(kernel: string, depthwise: boolean, dilated: boolean, bug: KnownBug): AuditedOp {
  const op = depthwise ? tf.depthwiseConv2d : tf.conv2d;
  return {
    kernel,
    variant: dilated ? 'dilation 2' : 'dilation 1',
    call: ([x, filter], { stride, pad, dilation }) => op(x as tf.Tensor4D, filter as tf.Tensor4D, stride, pad, 'NHWC', dilation),
    sample: (draw) => {
      const { size, stride, dilation, pad, sides } = window(draw, 2, dilated ? { dilation: 2, stride: 1 } : { dilation: 1 });
      // dilation changes nothing for a window of width 1
      if (dilated) size[draw.int(0, 1)] = 2;
      const channels = draw.int(1, 2);
      return { inputs: [draw.tensor([draw.int(1, 2), ...sides(size), channels]), draw.tensor([...size, channels, draw.int(1, 2)])], attrs: { stride, pad, dilation } };
    },
    ...(dilated ? { bug } : {}),
  };
}

/** A resize, bilinear or nearest neighbour, of the images and to the size `images` draws. */
function resize(
  kernel: 'ResizeBilinear' | 'ResizeNearestNeighbor',
  variant: string,
  images: (draw: Draw) => { shape: number[]; size: [number, number] },
  halfPixelCenters: boolean,
  bug?: KnownBug,
): AuditedOp {
  const op = kernel === 'ResizeBilinear' ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor;
  return {
    kernel,
    variant,
    call: ([x], { size, alignCorners, halfPixelCenters: half }) => op(x as tf.Tensor4D, size, alignCorners, half),
    sample: (draw) => {
      const { shape, size } = images(draw);
      // tfjs refuses alignCorners with halfPixelCenters
      return { inputs: [draw.tensor(shape)], attrs: { size, alignCorners: !halfPixelCenters && draw.boolean(), halfPixelCenters } };
    },
    ...(bug ? { bug } : {}),
  };
}

/** An image side (at least `least`) and a resized side unlike it (a resize to the same size reads every entry where it is). */
function resizedSides(draw: Draw, least = 1): [number, number] {
  const side = draw.int(least, 3);
  const resized = draw.int(1, 4);
  return [side, resized === side ? resized + 1 : resized];
}

/** matMul's operands: batch axes (equal, or broadcast) then [m, k] · [k, n], either transposed. */
function matMulCall(draw: Draw, broadcast: boolean) {
  const [m, k, n] = [draw.int(1, 3), draw.int(1, 3), draw.int(1, 3)];
  let [batchA, batchB] = [[] as number[], [] as number[]];
  if (broadcast) {
    // one operand lacks the batch axis, or has it as 1, where the other's is larger
    const batch = draw.int(2, 3);
    const short = draw.pick([[], [1]] as number[][]);
    [batchA, batchB] = draw.boolean() ? [short, [batch]] : [[batch], short];
  } else {
    batchA = batchB = draw.shape({ maxRank: 2, maxSide: 3 });
  }
  const [transposeA, transposeB] = [draw.boolean(), draw.boolean()];
  const a = draw.tensor([...batchA, ...(transposeA ? [k, m] : [m, k])]);
  const b = draw.tensor([...batchB, ...(transposeB ? [n, k] : [k, n])]);
  return { inputs: [a, b], attrs: { transposeA, transposeB } };
}

export const NN: AuditedOp[] = [
  ...[false, true].map(
    (broadcast): AuditedOp => ({
      kernel: 'BatchMatMul',
      variant: broadcast ? 'broadcast batch axes' : 'equal batch axes',
      call: ([a, b], { transposeA, transposeB }) => tf.matMul(a!, b!, transposeA, transposeB),
      sample: (draw) => matMulCall(draw, broadcast),
      ...(broadcast ? { bug: KNOWN_BUGS.matMulBroadcast } : {}),
    }),
  ),
  ...[false, true].map((dilated) => convolution('Conv2D', false, dilated, KNOWN_BUGS.conv2dDilation)),
  ...[false, true].map((dilated) => convolution('DepthwiseConv2dNative', true, dilated, KNOWN_BUGS.depthwiseDilation)),
  {
    kernel: 'Conv2DBackpropInput',
    call: ([x, filter], { outputShape, stride, pad }) => tf.conv2dTranspose(x as tf.Tensor4D, filter as tf.Tensor4D, outputShape, stride, pad),
    // the transpose of a conv2d from outputShape to x's shape
    sample: (draw) => {
      const { size, stride, pad, sides: sidesOf } = window(draw, 2, { dilation: 1 });
      const out = sidesOf(size);
      const [batch, outChannels, inChannels] = [draw.int(1, 2), draw.int(1, 2), draw.int(1, 2)];
      return {
        inputs: [draw.tensor([batch, ...out.map((side, i) => outSide(side, size[i]!, stride, pad)), inChannels]), draw.tensor([...size, outChannels, inChannels])],
        attrs: { outputShape: [batch, ...out, outChannels], stride, pad },
      };
    },
  },
  {
    kernel: 'Conv3D',
    call: ([x, filter], { stride, pad }) => tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, stride, pad),
    sample: (draw) => {
      const { size, stride, pad, sides: sidesOf } = window(draw, 3, { maxSize: 2, dilation: 1 });
      const [cin, cout] = [draw.int(1, 2), draw.int(1, 2)];
      return { inputs: [draw.tensor([1, ...sidesOf(size), cin]), draw.tensor([...size, cin, cout])], attrs: { stride, pad } };
    },
  },
  {
    kernel: 'Dilation2D',
    call: ([x, filter], { stride, pad, dilation }) => tf.dilation2d(x as tf.Tensor4D, filter as tf.Tensor3D, stride, pad, dilation),
    // x distinct and 0.3 apart, the filter within ±0.05: every window's maximum is clear of the runner-up
    sample: (draw) => {
      const { size, stride, dilation, pad, sides: sidesOf } = window(draw, 2);
      const channels = draw.int(1, 2);
      return {
        inputs: [distinct(draw, [draw.int(1, 2), ...sidesOf(size), channels]), draw.tensor([...size, channels], { min: -0.05, max: 0.05 })],
        attrs: { stride, pad, dilation },
      };
    },
  },
  // average pools: 'valid', and 'same' with padding (a window wider than 1, stride 1), where tfjs's gradient divides wrongly
  ...([['AvgPool', 2, tf.avgPool, KNOWN_BUGS.avgPoolSame], ['AvgPool3D', 3, tf.avgPool3d, KNOWN_BUGS.avgPool3dSame]] as const).flatMap(([kernel, spatial, op, bug]): AuditedOp[] => [
    { ...pool(kernel, spatial, op as any, false, { pad: 'valid' }), variant: "'valid' padding" },
    { ...pool(kernel, spatial, op as any, false, { pad: 'same', stride: 1 }, (size, draw) => void (size[draw.int(0, spatial - 1)] = 2)), variant: "'same' padding", bug },
  ]),
  pool('MaxPool', 2, tf.maxPool as any, true),
  // maxPool3d's backward decodes the winner's row with the window's width: right when height = width
  { ...pool('MaxPool3D', 3, tf.maxPool3d as any, true, {}, (size) => void (size[2] = size[1]!)), variant: 'window height = width' },
  {
    // stride 1: with stride 2 and 'same' padding tfjs's 3D pools read windows shifted by one (FORWARD_BUGS), which the float64 confirmation does not copy
    ...pool('MaxPool3D', 3, tf.maxPool3d as any, true, { stride: 1 }, (size, draw) => {
      size[1] = draw.int(2, 3);
      size[2] = size[1] === 2 ? draw.pick([1, 3]) : draw.int(1, 2);
    }),
    variant: 'window height ≠ width',
    bug: KNOWN_BUGS.maxPool3dWindow,
  },
  {
    kernel: 'LRN',
    call: ([x], { radius, bias, alpha, beta }) => tf.localResponseNormalization(x as tf.Tensor4D, radius, bias, alpha, beta),
    sample: (draw) => ({
      inputs: [draw.tensor([draw.int(1, 2), draw.int(1, 2), draw.int(1, 2), draw.int(1, 5)])],
      attrs: { radius: draw.int(1, 2), bias: draw.pick([1, 2]), alpha: draw.pick([0.1, 1]), beta: draw.pick([0.5, 0.75]) },
    }),
  },
  ...([4, 2] as const).map(
    (rank): AuditedOp => ({
      kernel: 'FusedBatchNorm',
      variant: `x of rank ${rank}`,
      call: ([x, mean, variance, offset, scale], epsilon) => tf.batchNorm(x!, mean!, variance!, offset, scale, epsilon),
      // mean, variance, offset and scale per channel (the last axis)
      sample: (draw) => {
        const shape = Array.from({ length: rank }, () => draw.int(1, 3));
        const channels = [shape[rank - 1]!];
        return {
          inputs: [draw.tensor(shape), draw.tensor(channels), draw.tensor(channels, { min: 0.2, max: 2 }), draw.tensor(channels), draw.tensor(channels)],
          attrs: draw.pick([1e-3, 0.1]),
        };
      },
    }),
  ),
  resize('ResizeBilinear', 'square images', (draw) => {
    const [side, resized] = resizedSides(draw);
    return { shape: [draw.int(1, 2), side, side, draw.int(1, 2)], size: [resized, draw.int(1, 4)] };
  }, false),
  resize('ResizeBilinear', 'height ≠ width', (draw) => {
    const [height, width] = resizedSides(draw);
    return { shape: [draw.int(1, 2), height, width, draw.int(1, 2)], size: [draw.int(1, 4), draw.int(1, 4)] };
  }, false, KNOWN_BUGS.resizeBilinearShape),
  resize('ResizeBilinear', 'halfPixelCenters', (draw) => {
    const [side, resized] = resizedSides(draw, 2);
    return { shape: [draw.int(1, 2), side, side, draw.int(1, 2)], size: [resized, resized] };
  }, true, KNOWN_BUGS.resizeBilinearHalfPixel),
  // sides of 2 or more: with alignCorners, a side of 1 resized to more sends tfjs's backward into an endless loop
  resize('ResizeNearestNeighbor', 'one image', (draw) => ({ shape: [1, draw.int(2, 3), draw.int(2, 3), draw.int(1, 2)], size: [draw.int(1, 4), draw.int(1, 4)] }), false),
  // to another area: where the resized image has the image's area, the cotangent's offsets happen to be right
  resize('ResizeNearestNeighbor', 'a batch of 2 or 3', (draw) => {
    const [height, width] = [draw.int(2, 3), draw.int(2, 3)];
    const size: [number, number] = [draw.int(1, 4), draw.int(1, 4)];
    if (size[0] * size[1] === height * width) size[1]++;
    return { shape: [draw.int(2, 3), height, width, draw.int(1, 2)], size };
  }, false, KNOWN_BUGS.resizeNearestBatch),
  // shrunk: a nearest neighbour upsampled by a whole factor reads the same entries with or without half-pixel centres
  resize('ResizeNearestNeighbor', 'halfPixelCenters', (draw) => {
    const side = draw.int(2, 3);
    const resized = draw.int(1, side - 1);
    return { shape: [1, side, side, draw.int(1, 2)], size: [resized, resized] };
  }, true, KNOWN_BUGS.resizeNearestHalfPixel),
  {
    kernel: 'ResizeNearestNeighbor',
    variant: 'alignCorners, from a side of 1',
    call: ([x], size) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, true),
    sample: (draw) => ({ inputs: [draw.tensor([1, 1, draw.int(1, 2), 1])], attrs: [draw.int(2, 3), draw.int(1, 2)] }),
    bug: KNOWN_BUGS.resizeNearestHang,
  },
];
