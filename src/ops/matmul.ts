import { ShapeError, Tensor, formatShape, sizeOf } from '../tensor/index.js';
import { add } from './binary.js';
import { broadcastOffsets, broadcastShapes, unbroadcast } from './broadcast.js';
import { defineOp } from './define.js';
import { matmulInto, matmulNnInto, matmulTnInto } from './matmul-kernel.js';
import { swapLast } from './shape.js';
import { floats } from './floats.js';

interface MatmulShapes {
  batch: number[];
  m: number;
  k: number;
  n: number;
}

/** a [...batch, m, k] times b [...batch, k, n]; the batch axes broadcast (NumPy matmul). */
function matmulShapes(a: Tensor, b: Tensor): MatmulShapes {
  if (a.rank < 2 || b.rank < 2) throw shapeError(a, b, 'two tensors of rank ≥ 2 ([..., m, k] and [..., k, n])');
  const m = a.shape[a.rank - 2]!;
  const k = a.shape[a.rank - 1]!;
  const n = b.shape[b.rank - 1]!;
  if (k !== b.shape[b.rank - 2]) throw shapeError(a, b, `inner sides that agree (a's last side ${k} = b's second-to-last)`);
  if (a.rank === 2 && b.rank === 2) return { batch: [], m, k, n };
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw shapeError(a, b, 'batch axes (all but the last two) that broadcast together');
  }
  return { batch, m, k, n };
}

function shapeError(a: Tensor, b: Tensor, expected: string): ShapeError {
  return new ShapeError('matmul', expected, `${formatShape(a.shape)} and ${formatShape(b.shape)}`);
}

/** One of the kernels in matmul-kernel.ts: a product of an m×k-shaped pair written at cAt. */
type Kernel = (c: Float64Array, cAt: number, a: Float64Array, aAt: number, b: Float64Array, bAt: number, m: number, k: number, n: number) => void;

/** `kernel` applied to every pair of matrices of the broadcast batch; each product is rows × cols. */
function overBatch(kernel: Kernel, a: Tensor, b: Tensor, batch: number[], m: number, k: number, n: number, rows: number, cols: number): Tensor {
  const out = floats(sizeOf(batch) * rows * cols);
  if (batch.length === 0) {
    kernel(out, 0, a.data, 0, b.data, 0, m, k, n);
    return new Tensor(out, [rows, cols]);
  }
  const aAt = broadcastOffsets(a.shape.slice(0, -2), batch);
  const bAt = broadcastOffsets(b.shape.slice(0, -2), batch);
  const aMatrix = a.shape[a.rank - 2]! * a.shape[a.rank - 1]!;
  const bMatrix = b.shape[b.rank - 2]! * b.shape[b.rank - 1]!;
  for (let i = 0; i < aAt.length; i++) kernel(out, i * rows * cols, a.data, aAt[i]! * aMatrix, b.data, bAt[i]! * bMatrix, m, k, n);
  return new Tensor(out, [...batch, rows, cols]);
}

/**
 * a · b. For a few rows of a, b is read as stored; for many, transposing it once so that both
 * operands are read along rows pays for itself (see matmul-kernel.ts).
 */
function product(a: Tensor, b: Tensor): Tensor {
  const { batch, m, k, n } = matmulShapes(a, b);
  if (m < 128) return overBatch(matmulNnInto, a, b, batch, m, k, n, m, n);
  return overBatch(matmulInto, a, swapLast(b), batch, m, k, n, m, n);
}

/** The matrix product of `[..., m, k]` and `[..., k, n]`, batched over leading axes that broadcast. */
export const matmul = defineOp({
  name: 'matmul',
  arity: 2,
  forward: ([a, b]) => product(a, b),
  // dA = g bᵀ and dB = aᵀ g, with no transposes; a gradient nobody reads (x in x·Wᵀ) is not computed.
  vjp: ([a, b], _y, g, _attrs, wanted = [true, true]) => {
    const { batch, m, k, n } = matmulShapes(a, b);
    return [
      wanted[0] ? unbroadcast(overBatch(matmulInto, g, b, batch, m, n, k, m, k), a.shape) : null,
      wanted[1] ? unbroadcast(overBatch(matmulTnInto, a, g, batch, m, k, n, k, n), b.shape) : null,
    ];
  },
  jvp: ([a, b], _y, [ta, tb]) => add(product(ta, b), product(a, tb)),
  domain: {
    sample: (draw) => {
      const [m, k, n] = draw.shape({ minRank: 3, maxRank: 3 }) as [number, number, number];
      const [ba, bb] = draw.boolean() ? draw.broadcastShapes(2, { maxRank: 1 }) : [[], []];
      return { inputs: [draw.tensor([...ba!, m, k]), draw.tensor([...bb!, k, n])], attrs: undefined };
    },
  },
});
