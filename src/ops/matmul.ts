import { ShapeError, Tensor, formatShape, sizeOf } from '../tensor/index.js';
import { add } from './binary.js';
import { broadcastOffsets, broadcastShapes, unbroadcast } from './broadcast.js';
import { defineOp } from './define.js';
import { matmulInto } from './matmul-kernel.js';
import { swapLast } from './shape.js';

interface MatmulShapes {
  batch: number[];
  m: number;
  k: number;
  n: number;
}

/** a [...batch, m, k] times b [...batch, k, n]; the batch axes broadcast (NumPy matmul). */
function matmulShapes(a: Tensor, b: Tensor): MatmulShapes {
  const shapes = `${formatShape(a.shape)} and ${formatShape(b.shape)}`;
  if (a.rank < 2 || b.rank < 2) throw new ShapeError('matmul', 'two tensors of rank ≥ 2 ([..., m, k] and [..., k, n])', shapes);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [kb, n] = b.shape.slice(-2) as [number, number];
  if (k !== kb) throw new ShapeError('matmul', `inner sides that agree (a's last side ${k} = b's second-to-last)`, shapes);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError('matmul', 'batch axes (all but the last two) that broadcast together', shapes);
  }
  return { batch, m, k, n };
}

function product(a: Tensor, b: Tensor): Tensor {
  const { batch, m, k, n } = matmulShapes(a, b);
  const bt = swapLast(b);
  const aAt = broadcastOffsets(a.shape.slice(0, -2), batch);
  const bAt = broadcastOffsets(b.shape.slice(0, -2), batch);
  const out = new Float64Array(sizeOf(batch) * m * n);
  for (let i = 0; i < aAt.length; i++) matmulInto(out, i * m * n, a.data, aAt[i]! * m * k, bt.data, bAt[i]! * k * n, m, k, n);
  return new Tensor(out, [...batch, m, n]);
}

export const matmul = defineOp({
  name: 'matmul',
  arity: 2,
  forward: ([a, b]) => product(a, b),
  vjp: ([a, b], _y, g) => [unbroadcast(product(g, swapLast(b)), a.shape), unbroadcast(product(swapLast(a), g), b.shape)],
  jvp: ([a, b], _y, [ta, tb]) => add(product(ta, b), product(a, tb)),
  domain: {
    sample: (draw) => {
      const [m, k, n] = draw.shape({ minRank: 3, maxRank: 3 }) as [number, number, number];
      const [ba, bb] = draw.boolean() ? draw.broadcastShapes(2, { maxRank: 1 }) : [[], []];
      return { inputs: [draw.tensor([...ba!, m, k]), draw.tensor([...bb!, k, n])], attrs: undefined };
    },
  },
});
