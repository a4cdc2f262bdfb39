import { ShapeError, Tensor, formatShape, sizeOf } from '../tensor/index.js';
import { broadcastOffsets, broadcastShapes, unbroadcast } from './broadcast.js';
import { expectOptions } from './axis.js';
import { defineOp } from './define.js';
import { add } from './elementwise.js';
import { matmulInto, matmulNnInto, matmulTnInto } from './matmul-kernel.js';
import { swapLast } from './shape.js';
import { floats } from './floats.js';

/** Either operand may be read transposed: C = op(A)·op(B), as tfjs's matMul(a, b, transposeA, transposeB). */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

interface MatmulShapes {
  batch: number[];
  m: number;
  k: number;
  n: number;
}

/** op(a) [...batch, m, k] times op(b) [...batch, k, n]; the batch axes broadcast (NumPy matmul). */
function matmulShapes(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): MatmulShapes {
  if (a.rank < 2 || b.rank < 2) throw shapeError(a, b, 'two tensors of rank ≥ 2 ([..., m, k] and [..., k, n])');
  // sides read directly, not sliced: this runs on every product, forward and backward
  const rowsA = a.shape[a.rank - 2]!;
  const colsA = a.shape[a.rank - 1]!;
  const rowsB = b.shape[b.rank - 2]!;
  const colsB = b.shape[b.rank - 1]!;
  const m = transposeA ? colsA : rowsA;
  const k = transposeA ? rowsA : colsA;
  const kb = transposeB ? colsB : rowsB;
  const n = transposeB ? rowsB : colsB;
  if (k !== kb) {
    const sides = `${transposeA ? 'aᵀ' : 'a'}'s last side ${k} = ${transposeB ? 'bᵀ' : 'b'}'s second-to-last`;
    throw shapeError(a, b, `inner sides that agree (${sides})`);
  }
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
 * op(a) · op(b), with no transpose of a stored operand where a kernel reads it as it is. For a few
 * rows of a, b is read as stored; for many, transposing it once so that both operands are read
 * along rows pays for itself (see matmul-kernel.ts).
 */
function product(a: Tensor, b: Tensor, { transposeA = false, transposeB = false }: MatmulOptions = {}): Tensor {
  const { batch, m, k, n } = matmulShapes(a, b, transposeA, transposeB);
  if (transposeA) return overBatch(matmulTnInto, a, transposeB ? swapLast(b) : b, batch, k, m, n, m, n);
  if (transposeB) return overBatch(matmulInto, a, b, batch, m, k, n, m, n);
  if (m < 128) return overBatch(matmulNnInto, a, b, batch, m, k, n, m, n);
  return overBatch(matmulInto, a, swapLast(b), batch, m, k, n, m, n);
}

const BOTH = [true, true] as const;

/** matmul's arguments: two tensors, and whether to read either transposed. */
export type MatmulArgs = [a: Tensor, b: Tensor, options?: MatmulOptions];

/** The matrix product op(a)·op(b) of `[..., m, k]` and `[..., k, n]` (either read transposed), batched over leading axes that broadcast. */
export const matmul = defineOp<2, MatmulOptions | undefined, MatmulArgs>({
  name: 'matmul',
  arity: 2,
  args: (a, b, options) => [[a, b], options === undefined ? options : expectOptions('matmul', options, '{ transposeA?, transposeB? }')],
  forward: ([a, b], options) => product(a, b, options),
  // C = op(A)·op(B): dA = g·op(B)ᵀ and dB = op(A)ᵀ·g, each transposed back where its operand was,
  // as products of the stored operands; a gradient nobody reads (x in x·Wᵀ) is not computed.
  vjp: ([a, b], _y, g, { transposeA = false, transposeB = false } = {}, wanted = BOTH): (Tensor | null)[] => [
    wanted[0] ? unbroadcast(transposeA ? matmul.apply([b, g], { transposeA: transposeB, transposeB: true }) : matmul.apply([g, b], { transposeB: !transposeB }), a.shape) : null,
    wanted[1] ? unbroadcast(transposeB ? matmul.apply([g, a], { transposeA: true, transposeB: transposeA }) : matmul.apply([a, g], { transposeA: !transposeA }), b.shape) : null,
  ],
  jvp: ([a, b], _y, [ta, tb], options): Tensor => add(matmul.apply([ta, b], options), matmul.apply([a, tb], options)),
  domain: {
    sample: (draw) => {
      const [m, k, n] = draw.shape({ minRank: 3, maxRank: 3 }) as [number, number, number];
      const [ba, bb] = draw.boolean() ? draw.broadcastShapes(2, { maxRank: 1 }) : [[], []];
      const [transposeA, transposeB] = [draw.boolean(), draw.boolean()];
      const a = draw.tensor([...ba!, ...(transposeA ? [k, m] : [m, k])]);
      const b = draw.tensor([...bb!, ...(transposeB ? [n, k] : [k, n])]);
      return { inputs: [a, b], attrs: { transposeA, transposeB } };
    },
  },
});
