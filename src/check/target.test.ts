/**
 * The guard's own invariants, beneath the checks: every result kept is held apart from the target's
 * buffers by one copy, which also serves to catch a buffer returned again after being overwritten
 * (a result read at once is lent, its fingerprint kept for that); a vjp's gradients are copied once;
 * and inputs compare as Object.is does (−0 is not 0, a NaN rewritten as a NaN is untouched).
 */
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { Tensor, tensor } from '../tensor/index.js';
import type { Differentiable } from './differentiable.js';
import { InputSpace } from './space.js';
import { ContractError, GuardedTarget, fingerprint, firstNonFinite } from './target.js';

const guarded = (target: Differentiable) => {
  const guard = new GuardedTarget(target);
  guard.declare(1);
  return guard;
};

const identity: Differentiable = { name: 'id', forward: ([x]) => new Tensor(x!.data.slice(), x!.shape), vjp: (_, g) => [g] };

/** The ContractError a call throws (or undefined). */
function thrown(call: () => unknown): ContractError | undefined {
  try {
    call();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  return undefined;
}

describe('results are held apart from the target', () => {
  // a target that keeps every buffer it returned, and overwrites the previous one on each call
  // while returning a new one: nothing it returns is aliased, but what callers kept would change
  const scribbling = (): Differentiable & { kept: Float64Array[] } => {
    const kept: Float64Array[] = [];
    return {
      name: 'scribbler',
      kept,
      forward: ([x]) => {
        kept.at(-1)?.fill(-1);
        const data = x!.data.map((v) => 2 * v);
        kept.push(data);
        return new Tensor(data, x!.shape);
      },
      vjp: (_, g) => [new Tensor(g.data.map((v) => 2 * v), g.shape)],
    };
  };

  test('what forward and tryForward returned does not change when the target writes into its old buffers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }), (values) => {
        const target = scribbling();
        const guard = guarded(target);
        const x = tensor(values.map((v) => v / 8));
        const first = guard.forward([x]);
        const second = guard.tryForward([x], x.size)!;
        guard.forward([x]);
        expect(target.kept[0]!.every((v) => v === -1)).toBe(true);
        expect(Array.from(first.data)).toEqual(values.map((v) => v / 4));
        expect(Array.from(second)).toEqual(values.map((v) => v / 4));
      }),
    );
  });

  test('a buffer returned again after being overwritten is still caught, once per buffer, with what changed', () => {
    const out = new Tensor(new Float64Array(2), [2]);
    const reusing: Differentiable = { ...identity, forward: ([x]) => (out.data.set(x!.data), out) };
    const guard = guarded(reusing);
    guard.forward([tensor([1, 2])]);
    expect(guard.forward([tensor([1, 2])]).data).toEqual(Float64Array.from([1, 2]));
    expect(thrown(() => guard.forward([tensor([1, 3])]))?.message).toBe(
      'id: forward returned the buffer it returned for an earlier call, overwritten since (flat index 1: 2 → 3): every earlier result a caller kept changed with it — return a new tensor from every call',
    );
  });
});

describe('perturbed forwards read at once are lent, not copied', () => {
  const at = (k: number) => [tensor([k, 1])];

  test('a genuine Float64Array is lent as it is; whatever passes for one (a Proxy around one, another typed array) is read once, into a copy', () => {
    const out = new Float64Array([1, 2]);
    expect(guarded({ ...identity, forward: () => new Tensor(out, [2]) }).tryForwardLent(at(0), 2)!.buffer).toBe(out.buffer);
    // a Proxy whose entries grow by one on every read
    let reads = 0;
    const growing = new Proxy(new Float64Array([1, 2]), {
      get: (array, key) => {
        const value = Reflect.get(array, key) as unknown;
        if (typeof key === 'string' && /^\d+$/.test(key)) return (value as number) + reads++;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(array) : value;
      },
    });
    const proxied = guarded({ ...identity, forward: () => ({ data: growing, shape: [2] }) as unknown as Tensor }).tryForwardLent(at(0), 2)!;
    expect([proxied[0], proxied[0], proxied[1]]).toEqual([1, 1, 2]);
    const posing = Object.setPrototypeOf(new Int32Array([1, 2]), Float64Array.prototype) as Float64Array;
    expect(Array.from(guarded({ ...identity, forward: () => ({ data: posing, shape: [2] }) as unknown as Tensor }).tryForwardLent(at(0), 2)!)).toEqual([1, 2]);
  });

  // buffers taken in turn, each call writing its input into the next: the first comes back as it
  // was (a memoised result: nothing a caller kept changed), then one comes back overwritten
  test.each([
    [1, 'tryForwardLent'],
    [2, 'tryForwardLent'],
    [2, 'forward'],
  ] as const)('%i buffer(s) taken in turn at perturbed points: caught when one comes back overwritten, through %s', (count, last) => {
    const buffers = Array.from({ length: count }, () => new Float64Array(2));
    let calls = 0;
    const turns = guarded({ ...identity, forward: ([x]) => { const out = buffers[calls++ % count]!; out.set(x!.data); return new Tensor(out, x!.shape); } });
    for (let k = 0; k < count; k++) expect(turns.tryForwardLent(at(k), 2)).not.toBeNull();
    expect(thrown(() => turns.tryForwardLent(at(0), 2))).toBeUndefined();
    const overwritten = thrown(() => (last === 'forward' ? turns.forward(at(9)) : turns.tryForwardLent(at(9), 2)));
    expect(overwritten?.message).toBe(
      'id: forward returned the buffer it returned for an earlier call, overwritten since (its values then were read at once and not kept: where it changed is not known): every earlier result a caller kept changed with it — return a new tensor from every call',
    );
  });
});

describe('a vjp\'s gradients are copied once', () => {
  test('the copies lie end to end, as the space lays its inputs: joined, they are one vector, not copied again', () => {
    const inputs = [tensor([1, 2]), tensor([7]), tensor([[0.5, 0.25], [3, 4]])];
    const doubled: Differentiable = { ...identity, forward: ([x]) => new Tensor(x!.data.map((v) => 2 * v), x!.shape), vjp: (xs) => xs.map((x) => new Tensor(x.data.map((v) => -v), x.shape)) };
    const guard = new GuardedTarget(doubled);
    guard.declare(3);
    const space = new InputSpace(inputs, [1], 2 ** -10);
    const gradients = guard.vjp(inputs, tensor([1, 1]), space.differentiable);
    const joined = space.join(gradients);
    expect(joined.buffer).toBe(gradients[0]!.data.buffer);
    expect(Array.from(joined)).toEqual([-1, -2, -0.5, -0.25, -3, -4]);
    // gradients from anywhere else are copied into a vector of their own
    const apart = space.join(gradients.map((g) => new Tensor(g.data.slice(), g.shape)));
    expect(apart.buffer).not.toBe(gradients[0]!.data.buffer);
    expect(apart).toEqual(joined);
  });
});

describe('inputs compare as Object.is does', () => {
  const writing = (index: number, value: number): Differentiable => ({
    ...identity,
    forward: (xs) => {
      (xs[0]!.data as Float64Array)[index] = value;
      return identity.forward(xs);
    },
  });
  // a NaN with another payload than the one Float64Array writes for NaN
  const otherNaN = new Float64Array(new BigUint64Array([0x7ff8_0000_0000_0001n]).buffer)[0]!;

  test.each([
    ['1 → NaN', 1, NaN, 'id: forward mutated input 0 at flat index 1 (1 → NaN)'],
    ['0 → −0', 0, -0, 'id: forward mutated input 0 at flat index 0 (0 → -0)'],
    ['NaN → a NaN of another payload', 2, otherNaN, undefined],
    ['1 → 1', 1, 1, undefined],
  ] as const)('%s', (_, index, value, message) => {
    const guard = guarded(writing(index, value));
    expect(thrown(() => guard.forward([tensor([0, 1, NaN])]))?.message).toBe(message);
  });
});

describe('every call is held to its own inputs, whatever the calls before it were given', () => {
  // inputs of several sizes, in any order: the copies taken before a call are reused from call to
  // call, and a copy left from an earlier, larger or different input must neither hide a mutation
  // nor raise one
  const calls = fc.array(fc.record({ size: fc.integer({ min: 1, max: 3000 }), seed: fc.integer() }), { minLength: 1, maxLength: 6 });
  const input = (size: number, seed: number) => new Tensor(Float64Array.from({ length: size }, (_, i) => Math.sin(seed + i)), [size]);
  const mutatingOn = (call: number, at: (size: number) => number): Differentiable => {
    let count = 0;
    return {
      ...identity,
      vjp: (xs, g) => {
        if (count++ === call) (xs[0]!.data as Float64Array)[at(xs[0]!.size)]! += 1;
        return [new Tensor(g.data.slice(), g.shape)];
      },
    };
  };

  test('one entry of 10⁵ changed on the third vjp is caught there, at its index', () => {
    const guard = guarded(mutatingOn(2, (size) => size - 1 - 12_345));
    const big = input(100_000, 1);
    const small = input(10, 2);
    guard.vjp([big], big, [0]);
    guard.vjp([small], small, [0]);
    const before = big.data[100_000 - 1 - 12_345]!;
    expect(thrown(() => guard.vjp([big], big, [0]))?.message).toBe(`id: vjp mutated input 0 at flat index 87654 (${before} → ${before + 1})`);
  });

  test('a mutation is caught on the call that made it, and its twin that mutates nothing passes every call', () => {
    fc.assert(
      fc.property(calls, fc.nat(), fc.nat(), (sizes, which, where) => {
        const call = which % sizes.length;
        const guard = guarded(mutatingOn(call, (size) => where % size));
        const twin = guarded(mutatingOn(-1, () => 0));
        sizes.forEach(({ size, seed }, k) => {
          const x = input(size, seed);
          const g = input(size, seed + 1);
          expect(thrown(() => twin.vjp([x], g, [0]))).toBeUndefined();
          expect(thrown(() => guard.vjp([x], g, [0]))?.problem).toBe(k === call ? 'mutation' : undefined);
        });
      }),
    );
  });
});

describe('what the guard keeps between calls', () => {
  // collections on demand, for what must not be kept alive (exposed at run time: the test runner starts no flags)
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** Bytes of array buffers still alive (twice: V8 frees an array buffer's memory on the collection after the one that finds it dead). */
  const held = () => {
    gc();
    gc();
    return process.memoryUsage().arrayBuffers;
  };
  /** Entries of the inputs these tests move: 8 MB each, far above anything else a test holds. */
  const size = 2 ** 20;

  /** A target that records each call and the inputs it was given. */
  const recording = () => {
    const calls: [string, readonly Tensor[]][] = [];
    const target: Differentiable = {
      name: 'recorded',
      forward: (xs) => (calls.push(['forward', xs]), identity.forward(xs)),
      vjp: (xs, g) => (calls.push(['vjp', xs]), [new Tensor(g.data.slice(), g.shape)]),
    };
    return { target, calls };
  };

  test('a vjp right after a forward at the same inputs runs no forward; after a forward elsewhere, it runs one first, at its own inputs', () => {
    const { target, calls } = recording();
    const guard = guarded(target);
    const x = [tensor([0.5, -2])];
    const g = tensor([1.5, 0.25]);
    guard.forward(x);
    guard.vjp(x, g, [0]);
    guard.vjp(x, g, [0]);
    expect(guard.tryForward([tensor([0.75, -2])], 2)).not.toBeNull();
    guard.vjp(x, g, [0]);
    expect(calls.map(([call, xs]) => `${call}${xs === x ? '' : ' elsewhere'}`)).toEqual(['forward', 'vjp', 'vjp', 'forward elsewhere', 'forward', 'vjp']);
  });

  test('a perturbed point is not kept alive by the guard once the caller lets go of it', () => {
    const before = held();
    const guard = guarded(identity);
    // in a frame of its own, gone when it returns: the point and what forward gave there are let go
    (() => guard.tryForward([new Tensor(new Float64Array(size).fill(0.75), [size])], size))();
    expect(held() - before).toBeLessThan(size * 8);
  });

  test('through a run of perturbed forwards the guard holds nothing as large as the inputs (its copies for checking calls are let go)', () => {
    const x = [new Tensor(new Float64Array(size).fill(0.5), [size])];
    const g = new Tensor(new Float64Array(size).fill(2), [size]);
    const before = held();
    // a target whose results are all new: the guard keeps a copy of a buffer only while the target does
    const guard = guarded({ ...identity, vjp: (_, dy) => [new Tensor(dy.data.slice(), dy.shape)] });
    // every call in a frame of its own, gone when it returns: what it gave is let go
    (() => guard.forward(x))();
    (() => guard.vjp(x, g, [0]))();
    // the copies of x and g taken for the vjp, given back to the spares: kept for the next checking
    // call, but for the one the gradient's copy took (let go with it)
    expect(held() - before).toBeGreaterThanOrEqual(size * 8);
    (() => guard.tryForward([new Tensor(new Float64Array(size).fill(0.75), [size])], size))();
    expect(held() - before).toBeLessThan(size * 8);
  });
});

describe('fingerprint', () => {
  const values = fc.array(fc.double(), { minLength: 1, maxLength: 9 });

  test('any one word changed changes it; so do the top bits of two words flipped, which products of the words alone would miss', () => {
    fc.assert(
      fc.property(values, fc.nat(), fc.nat(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).filter((c) => c !== 0), (entries, at, other, change) => {
        const data = Float64Array.from(entries);
        const words = new Int32Array(data.buffer);
        const before = fingerprint(data);
        words[at % words.length]! ^= change;
        expect(fingerprint(data)).not.toEqual(before);
        words[at % words.length]! ^= change;
        const [i, j] = [at % words.length, other % words.length];
        if (i !== j) {
          words[i]! ^= -(2 ** 31);
          words[j]! ^= -(2 ** 31);
          expect(fingerprint(data)).not.toEqual(before);
        }
      }),
    );
  });
});

describe('firstNonFinite', () => {
  // finite values of every size (overflowing any plain sum), and ±0; the lengths odd and even
  const finite = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, -0, 5e-324));
  const entries = fc.array(fc.oneof({ arbitrary: finite, weight: 8 }, fc.constantFrom(NaN, Infinity, -Infinity)), { maxLength: 9 });

  test('finds the first value that is not finite, wherever it is, or none', () => {
    fc.assert(
      fc.property(entries, (values) => {
        expect(firstNonFinite(Float64Array.from(values))).toBe(values.findIndex((x) => !Number.isFinite(x)));
      }),
    );
  });

  test('the last entry of an odd count is looked at too', () => {
    expect(firstNonFinite(Float64Array.from([1, 2, NaN]))).toBe(2);
    expect(firstNonFinite(Float64Array.from([1, 2, -Infinity]))).toBe(2);
    expect(firstNonFinite(Float64Array.from([1, 2, 3]))).toBe(-1);
  });
});
