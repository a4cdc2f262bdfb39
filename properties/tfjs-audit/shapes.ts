/** The audit's kernels that move, copy, pick or pad entries. */
import * as tf from '@tensorflow/tfjs-core';
import type { Draw } from '../../src/index.js';
import { type AuditedOp, broadcastPair, permutation } from './audited-op.js';
import { KNOWN_BUGS } from './known-bugs.js';

/** Several tensors of one shape, except along `axis` (sides 1 to 3). */
function alike(draw: Draw, count: number, minRank = 1): { shapes: number[][]; axis: number } {
  const shape = draw.shape({ minRank });
  const axis = draw.int(0, shape.length - 1);
  return { shapes: Array.from({ length: count }, () => shape.map((side, i) => (i === axis ? draw.int(1, 3) : side))), axis };
}

/** Paddings [before, after] per axis, each at most `most(side)`. */
const paddingsOf = (draw: Draw, shape: number[], most: (side: number) => number) => shape.map((side) => [draw.int(0, most(side)), draw.int(0, most(side))]);

export const SHAPES: AuditedOp[] = [
  {
    kernel: 'AddN',
    call: (xs) => tf.addN(xs),
    sample: (draw) => {
      const shape = draw.shape();
      return { inputs: Array.from({ length: draw.int(2, 4) }, () => draw.tensor(shape)) };
    },
  },
  {
    kernel: 'Concat',
    call: (xs, axis) => tf.concat(xs, axis),
    sample: (draw) => {
      const { shapes, axis } = alike(draw, draw.int(2, 3));
      return { inputs: shapes.map((shape) => draw.tensor(shape)), attrs: axis };
    },
  },
  {
    kernel: 'Pack',
    call: (xs, axis) => tf.stack(xs, axis),
    sample: (draw) => {
      const shape = draw.shape();
      return { inputs: Array.from({ length: draw.int(2, 3) }, () => draw.tensor(shape)), attrs: draw.int(0, shape.length) };
    },
  },
  ...[false, true].map(
    (sizeOne): AuditedOp => ({
      kernel: 'Unpack',
      variant: sizeOne ? 'an axis of size 1' : 'an axis of size 2 or more',
      call: ([x], { axis, pick }) => tf.unstack(x!, axis)[pick]!,
      sample: (draw) => {
        const shape = draw.shape({ minRank: 1, minSide: 2 });
        const axis = draw.int(0, shape.length - 1);
        if (sizeOne) shape[axis] = 1;
        return { inputs: [draw.tensor(shape)], attrs: { axis, pick: draw.int(0, shape[axis]! - 1) } };
      },
      ...(sizeOne ? { bug: KNOWN_BUGS.unstackSizeOne } : {}),
    }),
  ),
  {
    kernel: 'SplitV',
    call: ([x], { sizes, axis, pick }) => tf.split(x!, sizes, axis)[pick]!,
    sample: (draw) => {
      const { shapes, axis } = alike(draw, 1);
      const sizes = [draw.int(1, 2), draw.int(1, 2), draw.int(1, 2)];
      const shape = shapes[0]!.map((side, i) => (i === axis ? sizes[0]! + sizes[1]! + sizes[2]! : side));
      return { inputs: [draw.tensor(shape)], attrs: { sizes, axis, pick: draw.int(0, 2) } };
    },
  },
  {
    // tf.broadcastTo runs Tile (no backend implements BroadcastTo)
    kernel: 'Tile',
    variant: 'tf.broadcastTo',
    call: ([x], shape) => tf.broadcastTo(x!, shape),
    // to a larger shape: broadcasting to its own shape is a copy (tfjs runs Identity)
    sample: (draw) => {
      const [from, to] = broadcastPair(draw, true);
      return { inputs: [draw.tensor(from)], attrs: to };
    },
  },
  {
    kernel: 'Tile',
    call: ([x], reps) => tf.tile(x!, reps),
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      return { inputs: [draw.tensor(shape)], attrs: shape.map(() => draw.int(1, 3)) };
    },
  },
  {
    kernel: 'ExpandDims',
    call: ([x], axis) => tf.expandDims(x!, axis),
    sample: (draw) => {
      const shape = draw.shape();
      return { inputs: [draw.tensor(shape)], attrs: draw.int(0, shape.length) };
    },
  },
  {
    kernel: 'Reshape',
    call: ([x], shape) => tf.reshape(x!, shape),
    sample: (draw) => {
      const shape = draw.shape();
      return { inputs: [draw.tensor(shape)], attrs: draw.boolean() ? [-1] : [...shape].reverse() };
    },
  },
  {
    kernel: 'Transpose',
    call: ([x], perm) => tf.transpose(x!, perm),
    // a permutation that moves an axis: the identity is a copy (tfjs runs Identity)
    sample: (draw) => {
      const shape = draw.shape({ minRank: 2 });
      const perm = permutation(draw, shape.length);
      if (perm.every((axis, i) => axis === i)) perm.reverse();
      return { inputs: [draw.tensor(shape)], attrs: perm };
    },
  },
  {
    kernel: 'Reverse',
    call: ([x], axes) => tf.reverse(x!, axes),
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      return { inputs: [draw.tensor(shape)], attrs: permutation(draw, shape.length).slice(0, draw.int(1, shape.length)) };
    },
  },
  {
    kernel: 'Slice',
    call: ([x], { begin, size }) => tf.slice(x!, begin, size),
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      const begin = shape.map((side) => draw.int(0, side - 1));
      return { inputs: [draw.tensor(shape)], attrs: { begin, size: shape.map((side, i) => draw.int(1, side - begin[i]!)) } };
    },
  },
  {
    kernel: 'PadV2',
    call: ([x], { paddings, value }) => tf.pad(x!, paddings, value),
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      return { inputs: [draw.tensor(shape)], attrs: { paddings: paddingsOf(draw, shape, () => 2), value: draw.pick([0, 1.5]) } };
    },
  },
  ...(['reflect', 'symmetric'] as const).map(
    (mode): AuditedOp => ({
      kernel: 'MirrorPad',
      variant: mode,
      call: ([x], { paddings }) => tf.mirrorPad(x!, paddings, mode),
      // reflect pads by fewer than the side, symmetric by at most the side; at least one axis padded
      sample: (draw) => {
        const shape = draw.shape({ minRank: 1, minSide: 2 });
        const paddings = paddingsOf(draw, shape, (side) => (mode === 'reflect' ? side - 1 : side));
        paddings[draw.int(0, shape.length - 1)]![draw.int(0, 1)] = 1;
        return { inputs: [draw.tensor(shape)], attrs: { paddings, mode } };
      },
      bug: KNOWN_BUGS.mirrorPad,
    }),
  ),
  {
    kernel: 'GatherV2',
    call: ([x, indices], { axis, batchDims }) => tf.gather(x!, indices!, axis, batchDims),
    dtypes: ['float32', 'int32'],
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      const axis = draw.int(0, shape.length - 1);
      // repeated indices are likely: their gradients must add up
      return { inputs: [draw.tensor(shape), draw.ids(draw.shape({ maxRank: 2 }), shape[axis]!)], attrs: { axis, batchDims: 0 } };
    },
  },
  {
    kernel: 'UnsortedSegmentSum',
    call: ([x, ids], segments) => tf.unsortedSegmentSum(x!, ids as tf.Tensor1D, segments),
    dtypes: ['float32', 'int32'],
    sample: (draw) => {
      const shape = draw.shape({ minRank: 1 });
      const segments = draw.int(1, 4);
      return { inputs: [draw.tensor(shape), draw.ids([shape[0]!], segments)], attrs: segments };
    },
  },
  {
    kernel: 'SpaceToBatchND',
    call: ([x], { blockShape, paddings }) => tf.spaceToBatchND(x!, blockShape, paddings),
    sample: (draw) => {
      // [batch, ...spatial, channels]: each spatial side, padded, a multiple of its block
      const blockShape = Array.from({ length: draw.int(1, 2) }, () => draw.int(1, 2));
      const padded = blockShape.map((block) => block * draw.int(1, 2));
      const paddings = padded.map((side) => {
        const before = draw.int(0, Math.min(1, side - 1));
        return [before, draw.int(0, Math.min(1, side - 1 - before))];
      });
      const shape = [draw.int(1, 2), ...padded.map((side, i) => side - paddings[i]![0]! - paddings[i]![1]!), draw.int(1, 2)];
      return { inputs: [draw.tensor(shape)], attrs: { blockShape, paddings } };
    },
  },
  {
    kernel: 'BatchToSpaceND',
    call: ([x], { blockShape, crops }) => tf.batchToSpaceND(x!, blockShape, crops),
    sample: (draw) => {
      const spatial = draw.int(1, 2);
      const blockShape = Array.from({ length: spatial }, () => draw.int(1, 2));
      const sides = blockShape.map(() => draw.int(1, 3));
      // crops of at most the block·side − 1 in all
      const crops = blockShape.map((block, i) => (block * sides[i]! > 1 && draw.boolean() ? [1, 0] : [0, 0]));
      const shape = [draw.int(1, 2) * blockShape.reduce((p, b) => p * b, 1), ...sides, draw.int(1, 2)];
      return { inputs: [draw.tensor(shape)], attrs: { blockShape, crops } };
    },
  },
];

