import { ShapeError, Tensor, formatShape, sizeOf } from '../tensor/index.js';
import { add } from './binary.js';
import { broadcastOffsets, broadcastShapes, unbroadcast } from './broadcast.js';
import { defineOp } from './define.js';
import { matmulInto, matmulTnInto } from './matmul-kernel.js';
import { swapLast } from './shape.js';

interface MatmulShapes {
  batch: number[];
  m: number;
  k: number;
  n: number;
}

/** a [...batch, m, k] times b [...batch, k, n]; the batch axes broadcast (NumPy matmul). */
function matmulShapes(a: Tensor, b: Tensor): MatmulShapes {
  // Runs on every call: the message is only built when there is an error to report.
  const fail = (expected: string): never => {
    throw new ShapeError('matmul', expected, `${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  };
  if (a.rank < 2 || b.rank < 2) fail('two tensors of rank ≥ 2 ([..., m, k] and [..., k, n])');
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [kb, n] = b.shape.slice(-2) as [number, number];
  if (k !== kb) fail(`inner sides that agree (a's last side ${k} = b's second-to-last)`);
  if (a.rank === 2 && b.rank === 2) return { batch: [], m, k, n };
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return fail('batch axes (all but the last two) that broadcast together');
  }
  return { batch, m, k, n };
}

/**
 * a · btᵀ, matrix by matrix: a is [...batch, m, k] and bt [...batch, n, k] holds the right-hand
 * operand already transposed, the layout the kernel reads. The backward's g·bᵀ is then b as it is
 * stored, with no transpose at all.
 */
function timesTransposed(a: Tensor, bt: Tensor, { batch, m, k, n }: MatmulShapes): Tensor {
  if (batch.length === 0) {
    const out = new Float64Array(m * n);
    matmulInto(out, 0, a.data, 0, bt.data, 0, m, k, n);
    return new Tensor(out, [m, n]);
  }
  const aAt = broadcastOffsets(a.shape.slice(0, -2), batch);
  const bAt = broadcastOffsets(bt.shape.slice(0, -2), batch);
  const out = new Float64Array(sizeOf(batch) * m * n);
  for (let i = 0; i < aAt.length; i++) matmulInto(out, i * m * n, a.data, aAt[i]! * m * k, bt.data, bAt[i]! * k * n, m, k, n);
  return new Tensor(out, [...batch, m, n]);
}

/** aᵀ · b, matrix by matrix: a is [...batch, m, k] and b [...batch, m, n]; the result [...batch, k, n]. */
function transposedTimes(a: Tensor, b: Tensor, { batch, m, k, n }: MatmulShapes): Tensor {
  const aAt = broadcastOffsets(a.shape.slice(0, -2), batch);
  const bAt = broadcastOffsets(b.shape.slice(0, -2), batch);
  const out = new Float64Array(sizeOf(batch) * k * n);
  for (let i = 0; i < aAt.length; i++) matmulTnInto(out, i * k * n, a.data, aAt[i]! * m * k, b.data, bAt[i]! * m * n, m, k, n);
  return new Tensor(out, [...batch, k, n]);
}

function product(a: Tensor, b: Tensor): Tensor {
  return timesTransposed(a, swapLast(b), matmulShapes(a, b));
}

export const matmul = defineOp({
  name: 'matmul',
  arity: 2,
  forward: ([a, b]) => product(a, b),
  // dA = g bᵀ and dB = aᵀ g, with no transposes; a gradient nobody reads (x in x·Wᵀ) is not computed.
  vjp: ([a, b], _y, g, _attrs, wanted = [true, true]) => {
    const { batch, m, k, n } = matmulShapes(a, b);
    return [
      wanted[0] ? unbroadcast(timesTransposed(g, b, { batch, m, k: n, n: k }), a.shape) : null,
      wanted[1] ? unbroadcast(transposedTimes(a, g, { batch, m, k, n }), b.shape) : null,
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
