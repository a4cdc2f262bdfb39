import { describe, expect, test } from 'vitest';
import { floats, ints } from './floats.js';

describe('floats and ints', () => {
  test('every array is zeroed and its own, across many slabs and every size', () => {
    const arrays: (Float64Array | Int32Array)[] = [];
    for (let i = 0; i < 3000; i++) {
      const length = (i * 37) % 300;
      const array = i % 3 === 0 ? ints(length) : floats(length);
      expect(array.length).toBe(length);
      expect(array.every((v) => v === 0)).toBe(true);
      array.fill(i + 1);
      arrays.push(array);
    }
    // a view handed out twice, or overlapping another, would show another array's mark
    arrays.forEach((array, i) => expect(array.every((v) => v === i + 1)).toBe(true));
  });
});
