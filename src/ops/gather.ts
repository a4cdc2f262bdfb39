import { ShapeError, Tensor, formatShape } from '../tensor/index.js';
import { defineOp } from './define.js';
import { checkIds } from './ids.js';
import { floats } from './floats.js';

/** Rows of `table` picked by `ids`: the embedding lookup. Output shape [...ids.shape, ...row shape]. */
function rows(table: Tensor, ids: Tensor): Tensor {
  if (table.rank < 1) throw new ShapeError('gather', 'a table of rank ≥ 1 (rows along axis 0)', `shape ${formatShape(table.shape)}`);
  const count = table.shape[0]!;
  checkIds('gather', 'id', ids, count, `the table of shape ${formatShape(table.shape)} has ${count} rows`);
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
  // A scatter-add: an id that appears twice receives both rows of the cotangent.
  vjp: ([table, ids], _y, g) => {
    const out = new Tensor(floats(table.size), table.shape);
    const row = table.size / Math.max(table.shape[0]!, 1);
    for (let i = 0; i < ids.size; i++) {
      const at = ids.data[i]! * row;
      for (let j = 0; j < row; j++) out.data[at + j]! += g.data[i * row + j]!;
    }
    return [out, null];
  },
  jvp: ([_table, ids], _y, [t]) => rows(t, ids),
  domain: {
    sample: (draw) => {
      const table = draw.tensor(draw.shape({ minRank: 1, maxRank: 2, minSide: 1 }));
      const ids = draw.ids(draw.shape({ maxRank: 2 }), table.shape[0]!);
      return { inputs: [table, ids], attrs: undefined };
    },
    nondifferentiable: [1],
  },
});
