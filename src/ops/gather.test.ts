import { describe, expect, test } from 'vitest';
import { tensor } from '../tensor/index.js';
import { gather } from './index.js';

const table = tensor([[1, 2], [3, 4], [5, 6]]);

describe('gather', () => {
  test('picks rows by id; the output is ids shape then row shape', () => {
    const y = gather(table, tensor([[2, 0], [2, 2]]));
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([[[5, 6], [1, 2]], [[5, 6], [5, 6]]]);
  });

  test('its vjp is a scatter-add: a repeated id accumulates', () => {
    const ids = tensor([2, 0, 2]);
    const [gt, gids] = gather.vjp([table, ids], gather(table, ids), tensor([[1, 10], [2, 20], [3, 30]]), undefined);
    expect(gt!.toArray()).toEqual([[2, 20], [0, 0], [4, 40]]);
    expect(gids).toBeNull();
  });

  test('an id out of range names the id, where it is and the table size', () => {
    expect(() => gather(table, tensor([[0, 3]]))).toThrow(RangeError);
    expect(() => gather(table, tensor([[0, 3]]))).toThrow(
      'gather: id 3 at [0, 1] is out of range: the table of shape [3, 2] has 3 rows, so each id must be an integer in [0, 3)',
    );
  });

  test('a non-integer id is named too', () => {
    expect(() => gather(table, tensor([1.5]))).toThrow('gather: id 1.5 at [0] is not an integer: the table of shape [3, 2] has 3 rows');
    expect(() => gather(table, tensor([-1]))).toThrow('gather: id -1 at [0] is out of range');
  });
});
