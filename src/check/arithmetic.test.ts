/**
 * The noise of a doubted forward, read again where the first reading may have read structure: a
 * relu of a sum whose first reading crossed its kink is found to be no noise at all, beside the
 * twin whose noise is real (tanh as (e^{2x} − 1)/(e^{2x} + 1) near 0), which keeps it.
 */
import { describe, expect, test } from 'vitest';
import { cancellingTanh } from '../../fixtures/noisy-forwards.js';
import { Rng, Tensor, tensor } from '../tensor/index.js';
import { judgedBy, measureArithmetic, noiseOfDoubted } from './arithmetic.js';
import { PROJECTED_FROM, newContext } from './context.js';
import type { Differentiable } from './differentiable.js';
import { fastProbes, finiteDifferences } from './fast.js';
import { isRoundingNoise } from './noise.js';
import { resolveOptions } from './options.js';
import { GuardedTarget } from './target.js';

/** The first reading of `target`'s noise at `inputs` and what a doubted check reads again. */
function readings(target: Differentiable, inputs: Tensor[], seed: number) {
  const guarded = new GuardedTarget(target);
  const output = guarded.forward(inputs);
  const ctx = newContext(guarded, inputs, [], output, resolveOptions({ precision: 'float64', seed }, output.data), finiteDifferences);
  const first = measureArithmetic(ctx, () => []).noise!;
  return { first, again: noiseOfDoubted(ctx, first) };
}

describe('noiseOfDoubted', () => {
  test('a relu of a sum 0.02 from its kink, whose first reading crossed the kink, is read again where steps span that noise: no noise, structure', () => {
    const reluOfSum: Differentiable = {
      name: 'relu of a sum',
      forward: ([w]) => new Tensor(Float64Array.of(Math.max(0, w!.data.reduce((a, b) => a + b))), []),
      vjp: ([w], g) => [new Tensor(w!.data.map(() => g.data[0]!), w!.shape)],
    };
    const w = [tensor(Array.from({ length: 16 }, (_, i) => (i % 2 ? -1 : 1) + (i === 15 ? 0.02 : 0)))];
    for (const seed of [4, 18, 101, 180]) {
      const { first, again } = readings(reluOfSum, w, seed);
      // the first reading took the kink for rounding noise of 2e-3 to 3e-3 of the values
      expect(isRoundingNoise(first)).toBe(true);
      expect(first.relative).toBeGreaterThan(1e-3);
      expect(again).toBeUndefined();
    }
  });

  test('the twin whose noise is real, tanh as (e^{2x} − 1)/(e^{2x} + 1) at 1e-9, keeps it', () => {
    const tanh: Differentiable = {
      name: 'cancelling tanh',
      forward: ([x]) => new Tensor(x!.data.map(cancellingTanh), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.data[i]! * (1 - cancellingTanh(v) ** 2)), x!.shape)],
    };
    for (const seed of [4, 18, 101, 180]) {
      const { again } = readings(tanh, [tensor([1e-9, -2e-9, 3e-9])], seed);
      expect(again && isRoundingNoise(again)).toBe(true);
      expect(again!.relative).toBeGreaterThan(1e-9);
    }
  });
});

describe('the noise reading of a large output', () => {
  const seed = Number(process.env.GRADPROP_SEED ?? 3);
  const softsign: Differentiable = {
    name: 'softsign',
    forward: ([x]) => new Tensor(x!.data.map((v) => v / (1 + Math.abs(v))), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.data[i]! / (1 + Math.abs(v)) ** 2), x!.shape)],
  };

  /** The check's context after its reading (`probed`: the probes' cotangents drawn first), and the forwards its probes then make. */
  function probedAfterReading(probed: boolean) {
    const rng = new Rng(seed);
    const x = tensor(Float64Array.from({ length: PROJECTED_FROM + 1000 }, () => rng.normal()));
    let forwards = 0;
    const guarded = new GuardedTarget({ ...softsign, forward: (xs) => (forwards++, softsign.forward(xs)) });
    const output = guarded.forward([x]);
    const { ctx, noise } = judgedBy({ seed, mode: 'fast' }, guarded, [x], output, (s, judging) => newContext(guarded, [x], [], output, s, judging), probed);
    const read = forwards;
    const disagreements = fastProbes(ctx);
    return { ctx, noise, disagreements, probing: forwards - read };
  }

  test('keeps none of its samples: each is projected on the probes’ cotangents as it is taken, and the probes do not evaluate the forward at those steps again', () => {
    const { ctx, noise, disagreements, probing } = probedAfterReading(true);
    expect(noise?.moved).toBe(true);
    const direction = ctx.direction!;
    // nothing as large as the output kept by step; the projections on the probes' own cotangents are
    expect(ctx.sampled.get(direction)).toBeUndefined();
    const { cotangents, at } = ctx.projected.get(direction)!;
    expect(cotangents.length).toBe(ctx.settings.probes);
    cotangents.forEach((v, k) => expect(v).toBe(ctx.cotangents![k]));
    expect(at.size).toBe(2 * ctx.settings.levels);
    expect(disagreements).toEqual([]);
    // the twin, whose cotangents are drawn only when the probes start: the reading's samples are
    // let go with nothing kept of them, and the probes evaluate the forward at every step again
    const twin = probedAfterReading(false);
    expect(twin.disagreements).toEqual([]);
    expect(twin.probing - probing).toBe(2 * ctx.settings.levels);
  });
});
