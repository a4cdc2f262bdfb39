/**
 * The linearity checks' rounding allowance: the values around a combination's vjp are those of its
 * cotangents' magnitudes combined, a·|v₁| + (1 − a)·|v₂| — taken entry by entry, to the same bits
 * as the combination written out.
 *
 * Replay: the draws are from GRADPROP_SEED (default 7).
 */
import { expect, test } from 'vitest';
import { Rng, Tensor } from '../tensor/index.js';
import { aroundOutput, newContext } from './context.js';
import { finiteDifferences } from './fast.js';
import { opposite } from './linearity.js';
import { resolveOptions } from './options.js';
import { randomVector } from './space.js';
import { GuardedTarget } from './target.js';

const seed = Number(process.env.GRADPROP_SEED ?? 7);

test('a combination’s weights mixed entry by entry are its magnitudes’ combination, to the bit', () => {
  const rng = new Rng(seed);
  const n = 5_000;
  // outputs spread over 2^±40, so that a sum in another order or of other terms ends in other bits
  const x = new Tensor(Float64Array.from({ length: n }, () => randomVector(rng, 1)[0]! * 2 ** Math.floor(80 * rng.next() - 40)), [n]);
  const target = new GuardedTarget({ name: 'identity', forward: ([x]) => x!, vjp: (_, g) => [g] });
  const output = target.forward([x]);
  const ctx = newContext(target, [x], [], output, resolveOptions({ precision: 'float64', seed }, output.data), finiteDifferences);
  const v1 = randomVector(rng, n);
  const v2 = opposite(rng, v1);
  const a = 0.25 + 0.5 * rng.next();
  const written = Float64Array.from(v1, (v, i) => a * Math.abs(v) + (1 - a) * Math.abs(v2[i]!));
  const mixed = aroundOutput(ctx, v1, { a, with: v2 });
  expect(mixed, `GRADPROP_SEED=${seed}`).toEqual(aroundOutput(ctx, written));
  // the values combined, of opposite signs, partly cancel: they would allow less at every entry
  const values = Float64Array.from(v1, (v, i) => a * v + (1 - a) * v2[i]!);
  expect(aroundOutput(ctx, values).size).toBeLessThan(mixed.size);
});
