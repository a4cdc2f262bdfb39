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

describe('where the arrays live', () => {
  // The point of floats and ints: small arrays are views into shared 16 KB slabs (cheap to make),
  // arrays over 2 KB own their buffer. Observed through each array's buffer and byte offset.
  const SLAB = 16 * 1024;

  /** Allocates 2 KB arrays until one opens a fresh slab; the slab then has 2 KB used. */
  function freshSlab(): Float64Array {
    for (let tries = 0; tries < 9; tries++) {
      const array = floats(256);
      if (array.byteOffset === 0 && array.buffer.byteLength === SLAB) return array;
    }
    throw new Error('nine 2 KB arrays and no fresh 16 KB slab');
  }

  test('a slab holds exactly eight 2 KB arrays, back to back; the ninth opens another', () => {
    const first = freshSlab();
    const rest = Array.from({ length: 7 }, () => floats(256));
    expect(rest.map((a) => a.buffer === first.buffer)).toEqual(Array(7).fill(true));
    expect(rest.map((a) => a.byteOffset)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => i * 2048));
    const ninth = floats(256);
    expect(ninth.buffer).not.toBe(first.buffer);
    expect(ninth.byteOffset).toBe(0);
  });

  test('an int array takes whole doubles, so the next view stays 8-byte aligned', () => {
    freshSlab();
    const ids = ints(3);
    const next = floats(1);
    expect(next.buffer).toBe(ids.buffer);
    expect(next.byteOffset - ids.byteOffset).toBe(16);
  });

  test.each([
    ['floats', floats, 256, 257],
    ['ints', ints, 512, 513],
  ] as const)('%s: 2 KB comes from a slab, more gets its own buffer', (_, make, small, large) => {
    expect(make(1).buffer.byteLength).toBe(SLAB);
    expect(make(small).buffer.byteLength).toBe(SLAB);
    const own = make(large);
    expect(own.buffer.byteLength).toBe(own.byteLength);
    expect(own.byteOffset).toBe(0);
  });
});
