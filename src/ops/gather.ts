import { ShapeError, Tensor, formatShape, shapesEqual } from '../tensor/index.js';
import { defineOp } from './define.js';
import { checkIds } from './ids.js';
import { floats } from './floats.js';

/** Rows of `table` picked by `ids`: the embedding lookup. Output shape [...ids.shape, ...row shape]. */
function rows(table: Tensor, ids: Tensor): Tensor {
  if (table.rank < 1) throw new ShapeError('gather', 'a table of rank ≥ 1 (rows along axis 0)', `shape ${formatShape(table.shape)}`);
  const count = table.shape[0]!;
  checkIds('gather', 'id', ids, count, () => `the table of shape ${formatShape(table.shape)} has ${count} rows`);
  const row = table.size / Math.max(count, 1);
  const out = floats(ids.size * row);
  for (let i = 0; i < ids.size; i++) out.set(table.data.subarray(ids.data[i]! * row, (ids.data[i]! + 1) * row), i * row);
  return new Tensor(out, [...ids.shape, ...table.shape.slice(1)]);
}

/** Rows of a table at integer ids (an embedding lookup); the gradient is a scatter-add, and ids take none. */
export const gather = defineOp({
  name: 'gather',
  arity: 2,
  forward: ([table, ids]) => rows(table, ids),
  vjp: ([table, ids], _y, g): (Tensor | null)[] => [segmentSum.apply([g, ids], { count: table.shape[0]! }), null],
  jvp: ([_table, ids], _y, [t]): Tensor => gather(t, ids),
  domain: {
    sample: (draw) => {
      const table = draw.tensor(draw.shape({ minRank: 1, maxRank: 2, minSide: 1 }));
      const ids = draw.ids(draw.shape({ maxRank: 2 }), table.shape[0]!);
      return { inputs: [table, ids], attrs: undefined };
    },
    nondifferentiable: [1],
  },
});

/**
 * The rows summed by id into a table of `count` rows, out[ids[i]] += rows[i] (TensorFlow's
 * unsortedSegmentSum): an id that appears twice receives both rows. Rows [...ids.shape, ...row
 * shape]. The adjoint of gather, the scatter-add of the embedding gradient.
 */
export const segmentSum = defineOp({
  name: 'segmentSum',
  arity: 2,
  args: (values: Tensor, ids: Tensor, count: number) => [[values, ids], { count }] as const,
  forward: ([values, ids], { count }) => {
    const rowShape = values.shape.slice(ids.rank);
    if (!shapesEqual(values.shape.slice(0, ids.rank), ids.shape)) {
      throw new ShapeError('segmentSum', `rows of shape [...ids.shape, ...row] for ids of shape ${formatShape(ids.shape)}`, `shape ${formatShape(values.shape)}`);
    }
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`segmentSum: the table's row count must be a whole number ≥ 0, got ${count}`);
    checkIds('segmentSum', 'id', ids, count, () => `the table has ${count} rows`);
    const row = values.size / Math.max(ids.size, 1);
    const out = new Tensor(floats(count * row), [count, ...rowShape]);
    for (let i = 0; i < ids.size; i++) {
      const at = ids.data[i]! * row;
      for (let j = 0; j < row; j++) out.data[at + j]! += values.data[i * row + j]!;
    }
    return out;
  },
  vjp: ([_values, ids], _y, g): (Tensor | null)[] => [gather(g, ids), null],
  jvp: ([_values, ids], _y, [t], attrs): Tensor => segmentSum.apply([t, ids], attrs),
  domain: {
    sample: (draw) => {
      const count = draw.int(1, 4);
      const ids = draw.ids(draw.shape({ maxRank: 2 }), count);
      const values = draw.tensor([...ids.shape, ...draw.shape({ maxRank: 1 })]);
      return { inputs: [values, ids], attrs: { count } };
    },
    nondifferentiable: [1],
  },
});
