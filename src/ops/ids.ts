import { type Tensor, unravelIndex } from '../tensor/index.js';

/**
 * Integer ids (embedding rows, class targets) arrive as float64 values; check them before use so a
 * bad one is named here instead of reading past the end of a buffer. `context` says where the
 * bound comes from, e.g. "the table has 5 rows"; it is only written when an id is bad (every
 * embedding lookup and loss checks its ids, and a formatted shape costs more than the check).
 */
export function checkIds(op: string, label: string, ids: Tensor, upTo: number, context: () => string): void {
  for (let i = 0; i < ids.size; i++) {
    const id = ids.data[i]!;
    if (Number.isInteger(id) && id >= 0 && id < upTo) continue;
    const at = ids.rank === 0 ? '' : ` at [${unravelIndex(i, ids.shape).join(', ')}]`;
    const problem = Number.isInteger(id) ? 'is out of range' : 'is not an integer';
    throw new RangeError(`${op}: ${label} ${id}${at} ${problem}: ${context()}, so each ${label} must be an integer in [0, ${upTo})`);
  }
}
