import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Domain, Draw } from '../ops/domain.js';
import type { Tensor } from '../tensor/index.js';
import { fastCheckDraw } from './draw.js';
import { kinkRadius } from './kinks.js';
import { LABELS, labels } from './labels.js';
import { opInputs } from './op-inputs.js';
import { shrunk } from './test-support.js';

interface Drawn {
  shape: number[];
  pair: number[][];
  ids: Tensor;
  int: number;
  flag: boolean;
  picked: string;
}

/** A domain that calls every method of Draw once, and hands back what it drew. */
const everything: Domain<Drawn> = {
  sample(draw) {
    const shape = draw.shape({ minRank: 1, maxRank: 2, minSide: 2, maxSide: 3 });
    const pair = draw.broadcastShapes(2, { maxRank: 2 });
    const x = draw.tensor(shape, { min: -1, max: 2, avoid: [0, 1] });
    const ids = draw.ids(pair[0]!, 3);
    return { inputs: [x], attrs: { shape, pair, ids, int: draw.int(-2, 2), flag: draw.boolean(), picked: draw.pick(['a', 'b', 'c']) } };
  },
};

const sample = <A>(domain: Domain<A>, options = {}, numRuns = 500) => fc.sample(opInputs(domain, options), { seed: 1, numRuns });

function broadcastTogether(shapes: readonly number[][]): boolean {
  const rank = Math.max(...shapes.map((s) => s.length));
  const padded = shapes.map((s) => [...new Array<number>(rank - s.length).fill(1), ...s]);
  return Array.from({ length: rank }, (_, axis) => new Set(padded.map((s) => s[axis]).filter((side) => side !== 1)).size <= 1).every(Boolean);
}

describe('opInputs: every draw respects its spec exactly', () => {
  const calls = sample(everything);

  it('shapes and broadcast shapes', () => {
    for (const { attrs } of calls) {
      expect(attrs.shape.length >= 1 && attrs.shape.length <= 2 && attrs.shape.every((side) => side >= 2 && side <= 3)).toBe(true);
      expect(attrs.pair.every((s) => s.length <= 2) && broadcastTogether(attrs.pair)).toBe(true);
    }
  });

  it('tensors: the drawn shape, entries in range and clear of kinks', () => {
    for (const { inputs: [x], attrs } of calls) {
      expect(x!.shape).toEqual(attrs.shape);
      for (const v of x!.data) {
        expect(v >= -1 && v <= 2).toBe(true);
        expect(Math.min(Math.abs(v), Math.abs(v - 1))).toBeGreaterThanOrEqual(kinkRadius(1, 1e-3));
      }
    }
  });

  it('ids below upTo, int in [min, max] with both ends reached, boolean and pick reaching every choice', () => {
    expect(calls.every(({ attrs }) => attrs.ids.data.every((id) => Number.isInteger(id) && id >= 0 && id < 3))).toBe(true);
    expect(new Set(calls.map(({ attrs }) => attrs.int))).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(new Set(calls.map(({ attrs }) => attrs.flag))).toEqual(new Set([true, false]));
    expect(new Set(calls.map(({ attrs }) => attrs.picked))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('an int that leaves out its max fails the check above', () => {
    const exclusive: Domain<number> = {
      sample: (draw) => ({ inputs: [], attrs: withExclusiveInt(draw).int(-2, 2) }),
    };
    expect(new Set(sample(exclusive).map(({ attrs }) => attrs))).not.toEqual(new Set([-2, -1, 0, 1, 2]));
  });
});

/** A broken Draw, for the check above to catch. */
function withExclusiveInt(draw: Draw): Draw {
  return { ...draw, int: (min, max) => draw.int(min, max - 1) };
}

describe('opInputs options', () => {
  const anyShape: Domain<undefined> = { sample: (draw) => ({ inputs: [draw.tensor(draw.shape()), draw.tensor(draw.shape({ minSide: 3 }))], attrs: undefined }) };

  it('cap shapes, while a domain minimum wins over a cap', () => {
    for (const { inputs: [a, b] } of sample(anyShape, { shape: { maxRank: 1, maxSide: 2 } })) {
      expect(a!.rank <= 1 && a!.shape.every((side) => side <= 2)).toBe(true);
      expect(b!.rank <= 1 && b!.shape.every((side) => side === 3)).toBe(true);
    }
  });

  const relu: Domain<undefined> = { sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), { avoid: [0] })], attrs: undefined }), kinks: [{ input: 0, at: 0 }] };
  const nearest = (calls: { inputs: Tensor[] }[]): number => Math.min(...calls.flatMap(({ inputs }) => Array.from(inputs[0]!.data, Math.abs)));

  it('set the kink margin', () => {
    expect(nearest(sample(relu, { kinkMargin: 0.1 }))).toBeGreaterThanOrEqual(0.1);
    expect(nearest(sample(relu))).toBeLessThan(0.1);
  });

  it('place entries exactly at kinks only when asked', () => {
    expect(nearest(sample(relu, { atKinks: true }))).toBe(0);
    expect(nearest(sample(relu))).toBeGreaterThanOrEqual(1e-3);
  });

  it('mix in edge values only when asked', () => {
    const tiny = (calls: { inputs: Tensor[] }[]): boolean => calls.some(({ inputs }) => inputs[0]!.data.some((x) => Math.abs(x) === 1e-300));
    expect(tiny(sample(relu, { edges: true, kinkMargin: 1e-310 }))).toBe(true);
    expect(tiny(sample(relu, { kinkMargin: 1e-310 }))).toBe(false);
  });
});

describe('opInputs shrinks draw by draw', () => {
  const add: Domain<undefined> = {
    sample(draw) {
      const [a, b] = draw.broadcastShapes(2, { maxSide: 5 });
      return { inputs: [draw.tensor(a!), draw.tensor(b!)], attrs: undefined };
    },
  };
  const seeds = [1, 2, 3, 4, 5];
  const shapesOf = ({ inputs }: { inputs: Tensor[] }): (readonly number[])[] => inputs.map((t) => t.shape);

  it.each(seeds)('a failure on broadcasting a size-1 axis shrinks to shapes [1] and [2] (seed %i)', (seed) => {
    const broadcastsOne = ({ inputs: [a, b] }: { inputs: Tensor[] }): boolean => a!.rank === b!.rank && a!.shape.some((side, i) => side !== b!.shape[i]);
    expect([[[1], [2]], [[2], [1]]]).toContainEqual(shapesOf(shrunk(opInputs(add), (call) => !broadcastsOne(call), seed)));
  });

  it.each(seeds)('a failure on a negative entry shrinks to scalars, one of them -1 (seed %i)', (seed) => {
    const call = shrunk(opInputs(add), ({ inputs }) => inputs.every((t) => t.data.every((x) => x >= 0)), seed);
    expect(shapesOf(call)).toEqual([[], []]);
    expect(call.inputs.map((t) => t.item()).sort()).toEqual([-1, 0]);
  });
});

describe('opInputs covers every label class when asked for edges and kinks', () => {
  const wide: Domain<undefined> = {
    sample: (draw) => ({ inputs: [draw.tensor(draw.shape({ maxRank: 3 }), { min: -1e4, max: 1e4, avoid: [0] })], attrs: undefined }),
    kinks: [{ input: 0, at: 0 }],
  };
  const seen = (calls: { inputs: Tensor[] }[]) => {
    const all = calls.map(({ inputs }) => labels(inputs, wide.kinks));
    return (family: keyof typeof LABELS): Set<string> => new Set(all.map((l) => l[family]));
  };

  it('sign, magnitude, shape and kink distance', () => {
    const classes = seen(sample(wide, { edges: 0.3, atKinks: 0.1, kinkMargin: 1e-310 }, 2000));
    for (const family of ['sign', 'magnitude', 'shape'] as const) expect(classes(family)).toEqual(new Set(LABELS[family]));
    // '<1e-3' needs values within 1e-3 of 0 that are not edges: one in 1e7 of [-1e4, 1e4]
    expect(classes('kink')).toEqual(new Set(['at kink', '<1e-6', 'far']));
  });

  it('without edges or kinks, the small magnitudes and kink distances never occur', () => {
    const classes = seen(sample(wide, {}, 2000));
    expect(classes('magnitude')).toEqual(new Set(['1..1e3', '>1e3']));
    expect(classes('kink')).toEqual(new Set(['far']));
  });
});

describe('opInputs failures replay', () => {
  const add: Domain<undefined> = {
    sample(draw) {
      const [a, b] = draw.broadcastShapes(2);
      return { inputs: [draw.tensor(a!), draw.tensor(b!)], attrs: undefined };
    },
  };
  const allAbove = ({ inputs }: { inputs: Tensor[] }): boolean => inputs.every((t) => t.data.every((x) => x > -1.5));

  it('from their seed and path (draws happen as the input is generated, not inside the property)', () => {
    const property = fc.property(opInputs(add), allAbove);
    const failure = fc.check(property, { seed: 42 });
    const replay = fc.check(property, { seed: failure.seed, path: failure.counterexamplePath!, endOnFailure: true });
    expect(replay.numRuns).toBe(1);
    expect(fc.stringify(replay.counterexample)).toBe(fc.stringify(failure.counterexample));
  });

  it('which fast-check cannot do when the domain draws from gen inside the property', () => {
    const property = fc.property(fc.gen(), (g) => allAbove(add.sample(fastCheckDraw(g))));
    const failure = fc.check(property, { seed: 42 });
    expect(() => fc.check(property, { seed: failure.seed, path: failure.counterexamplePath!, endOnFailure: true })).toThrow(/Unable to replay/);
  });
});
