import { describe, expect, test } from 'vitest';
import { select, selector } from './targets.js';
import { verifyTargets } from './verify.js';

describe('select', () => {
  const targets = verifyTargets();
  const ids = (shard?: { index: number; count: number }, filter?: string) =>
    select(targets, { ...(shard ? { shard } : {}), ...(filter ? { filter } : {}) }).map((t) => t.id);

  test('shards split the targets into disjoint parts that cover them all, the same way every time', () => {
    const parts = [1, 2, 3].map((index) => ids({ index, count: 3 }));
    expect(parts.flat().sort()).toEqual(ids().sort());
    expect(new Set(parts.flat()).size).toBe(targets.length);
    expect(parts.map((p) => p.length).every((n) => Math.abs(n - targets.length / 3) < 1)).toBe(true);
    expect(ids({ index: 2, count: 3 })).toEqual(parts[1]);
  });

  test('--filter matches target ids as a regular expression, before sharding', () => {
    expect(ids(undefined, '^zoo/elman')).toEqual(['zoo/elman', 'zoo/elman.manualGrad']);
    expect(ids({ index: 2, count: 2 }, '^zoo/elman')).toEqual(['zoo/elman.manualGrad']);
    expect(ids(undefined, 'no such target')).toEqual([]);
  });

  test('selecting a module at a time, as targets arrive from their workers, selects what selecting them all at once does', () => {
    const modules = [targets.slice(0, 5), targets.slice(5, 6), [], targets.slice(6)];
    for (const options of [{}, { shard: { index: 2, count: 3 } }, { filter: 'manualGrad|^ops/t', shard: { index: 1, count: 2 } }]) {
      const pick = selector(options);
      expect(modules.flatMap((m) => pick(m)).map((t) => t.id)).toEqual(select(targets, options).map((t) => t.id));
    }
  });
});
