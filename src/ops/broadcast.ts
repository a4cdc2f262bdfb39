import { type Shape, ShapeError, Tensor, checkShape, formatShape, sizeOf, stridesOf } from '../tensor/index.js';
import { defineOp } from './define.js';
import type { Draw } from './domain.js';
import { floats } from './floats.js';
import { stridedOffsets } from './strided.js';

/**
 * NumPy broadcasting, and the reduction of a broadcast gradient back to its input's shape: the ops
 * broadcastTo and sumTo, each the other's vjp. Every op that broadcasts goes through here, so the
 * rule and its gradient cannot drift apart.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  if (shapes.length === 2 && sameShape(shapes[0]!, shapes[1]!)) return [...shapes[0]!];
  const rank = Math.max(0, ...shapes.map((shape) => shape.length));
  const result = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const axis = rank - shape.length + i;
      const side = shape[i]!;
      if (side === 1) continue;
      if (result[axis] !== 1 && result[axis] !== side) {
        throw new ShapeError(
          op,
          'shapes that broadcast together (aligned from the last axis, each pair of sides equal or one of them 1)',
          shapes.map(formatShape).join(' and '),
        );
      }
      result[axis] = side;
    }
  }
  return result;
}

/** For each element of `target`, the offset of the element of a `shape` tensor broadcast to it. */
export function broadcastOffsets(shape: Shape, target: Shape): Int32Array {
  if (sameShape(shape, target)) return identityOffsets(sizeOf(target));
  if (sizeOf(shape) === 1) return zeroOffsets(sizeOf(target));
  const strides = stridesOf(shape);
  const lead = target.length - shape.length;
  const aligned = target.map((_, axis) => {
    const i = axis - lead;
    return i >= 0 && shape[i] !== 1 ? strides[i]! : 0;
  });
  return stridedOffsets(target, aligned);
}

// Most elementwise calls broadcast nothing: their offsets are 0, 1, 2, … The next most common
// broadcast is a single value (a scalar weight, ½): every offset is 0. Both tables are shared and
// read-only, and so are their views, one per size (a view costs as much as a small op's arithmetic).
const identityOffsets = sharedTable((table) => table.forEach((_, i) => (table[i] = i)));
const zeroOffsets = sharedTable(() => {});

function sharedTable(fill: (table: Int32Array) => void): (size: number) => Int32Array {
  let table = new Int32Array(0);
  let views = new Map<number, Int32Array>();
  return (size) => {
    if (table.length < size) {
      table = new Int32Array(Math.max(size, 2 * table.length));
      fill(table);
      views = new Map();
    }
    let view = views.get(size);
    if (view === undefined) views.set(size, (view = table.subarray(0, size)));
    return view;
  };
}

/** Whether broadcasting `from` up to `to` gives `to`: a loop, as every broadcasting rule asks it. */
function broadcastsTo(from: Shape, to: Shape): boolean {
  const lead = to.length - from.length;
  if (lead < 0) return false;
  for (let i = 0; i < from.length; i++) if (from[i] !== 1 && from[i] !== to[lead + i]) return false;
  return true;
}

function shapeArgs(op: string) {
  return (x: Tensor, shape: Shape): readonly [[Tensor], { shape: Shape }] => {
    checkShape(op, shape);
    return [[x], { shape: [...shape] }];
  };
}

/** Two shapes, `small` broadcasting to `large`. */
function drawBroadcast(draw: Draw): { small: number[]; large: number[] } {
  const [a, b] = draw.broadcastShapes(2);
  return { small: a!, large: broadcastShapes('broadcastTo', a!, b!) };
}

/** x repeated along size-1 and missing leading axes up to `shape` (NumPy's broadcast_to). */
export const broadcastTo = defineOp({
  name: 'broadcastTo',
  arity: 1,
  args: shapeArgs('broadcastTo'),
  forward: ([x], { shape }) => {
    if (!broadcastsTo(x.shape, shape)) {
      throw new ShapeError('broadcastTo', `a shape that the input's shape ${formatShape(x.shape)} broadcasts to`, `shape ${formatShape(shape)}`);
    }
    const offsets = broadcastOffsets(x.shape, shape);
    const out = floats(offsets.length);
    for (let i = 0; i < out.length; i++) out[i] = x.data[offsets[i]!]!;
    return new Tensor(out, shape);
  },
  vjp: ([x], _y, g): Tensor[] => [sumTo.apply([g], { shape: x.shape })],
  jvp: (_x, _y, [t], attrs): Tensor => broadcastTo.apply([t], attrs),
  domain: {
    sample: (draw) => {
      const { small, large } = drawBroadcast(draw);
      return { inputs: [draw.tensor(small)], attrs: { shape: large } };
    },
  },
});

/** x summed over every element broadcasting `shape` up to x's shape repeats: the adjoint of broadcastTo. */
export const sumTo = defineOp({
  name: 'sumTo',
  arity: 1,
  args: shapeArgs('sumTo'),
  forward: ([x], { shape }) => {
    if (!broadcastsTo(shape, x.shape)) {
      throw new ShapeError('sumTo', `a shape that broadcasts to the input's shape ${formatShape(x.shape)}`, `shape ${formatShape(shape)}`);
    }
    const offsets = broadcastOffsets(shape, x.shape);
    const out = floats(sizeOf(shape));
    for (let i = 0; i < offsets.length; i++) out[offsets[i]!]! += x.data[i]!;
    return new Tensor(out, shape);
  },
  vjp: ([x], _y, g): Tensor[] => [broadcastTo.apply([g], { shape: x.shape })],
  jvp: (_x, _y, [t], attrs): Tensor => sumTo.apply([t], attrs),
  domain: {
    sample: (draw) => {
      const { small, large } = drawBroadcast(draw);
      return { inputs: [draw.tensor(large)], attrs: { shape: small } };
    },
  },
});

/** The gradient of broadcasting `shape` up to g's shape: g itself when nothing was broadcast, else sumTo. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  return sameShape(g.shape, shape) ? g : sumTo.apply([g], { shape });
}

/**
 * shapesEqual as a plain loop: every elementwise call asks this several times, and on tiny tensors
 * the question costs more than the arithmetic.
 */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
