import { type Shape, checkShape } from '../tensor/index.js';
import type { Entries } from './entries.js';
import { TensorArbitrary } from './tensor.js';

/** Integer ids in [0, upTo) as float64 values, often repeated; shrinks toward 0. */
export function ids(shape: Shape, upTo: number): TensorArbitrary {
  checkShape('ids', shape);
  return new TensorArbitrary([...shape], idEntries(upTo));
}

export function idEntries(upTo: number): Entries {
  if (!(Number.isSafeInteger(upTo) && upTo >= 1)) throw new RangeError(`ids: expected upTo to be a positive integer, got ${upTo}`);
  return {
    // cubed, so small ids come often and a tensor of ids often repeats one (0.6 of four ids below 20,
    // against 0.28 uniformly): gathers and scatter-adds get gradients wrong where an id appears twice
    draw: (units) => Math.floor(upTo * units() ** 3),
    accepts: (x) => Number.isInteger(x) && x >= 0 && x < upTo,
    *simpler(x) {
      for (const y of new Set([0, Math.floor(x / 2), x - 1])) if (y >= 0 && y < x) yield y;
    },
  };
}
