/**
 * Which arithmetic a target computes in, from its values along the first probe and its measured
 * noise, not from its inputs or array type: the first probe's direction moves every input off the
 * float32 grid (see InputSpace), so a forward that returns float32 values there rounds to float32,
 * and one that does not computes in float64 — an exact 2x on float32-representable inputs stays
 * float64. The noise read off the same samples says whether a float64 forward is noisier than
 * float64 (a cancelling formula, float32-accurate kernels in float64 arrays): such a forward gets
 * a statistical second opinion where finite differences fail it (see checkGradients).
 */
import { Rng, type Tensor, randn } from '../tensor/index.js';
import { type Context, type Judging, PROJECTED_FROM, probeDirection, projectOnto, projectedSample, sampleAt } from './context.js';
import { finiteDifferences, probeCotangents } from './fast.js';
import { type NoiseReading, ProjectedNoise, isRoundingNoise, judgeNoise, measuredRounding, readNoiseByStep, sizeOfTerms } from './noise.js';
import { ArithmeticEvidence, type CheckOptions, type Settings, resolveOptions } from './options.js';
import { probeSettings, statisticalJudging } from './statistical-check.js';
import type { GuardedTarget } from './target.js';

/** What a check judges by: its settings, a context whose judging suits them, and the noise it read. */
export interface Judged {
  settings: Settings;
  ctx: Context;
  method: 'finite differences' | 'statistical';
  /** The noise reading, where the arithmetic was measured (and the forward defined at every step). */
  noise?: NoiseReading;
}

/**
 * The settings and judging of a check of `target` at `inputs` whose output is `output`: the
 * arithmetic given, or measured (see measureArithmetic); a float32 target judged by the
 * significance test unless a fixed tolerance replaces it, any other by finite differences.
 * `contextFor` makes the context (checkGradients' and diagnose's own); `probed`: whether the
 * context's probes follow (see probeCotangents).
 */
export function judgedBy(
  given: CheckOptions,
  target: GuardedTarget,
  inputs: readonly Tensor[],
  output: Tensor,
  contextFor: (settings: Settings, judging: Judging) => Context,
  probed = true,
): Judged {
  const measured = given.precision === undefined || given.precision === 'auto';
  const judged = (settings: Settings, noise?: NoiseReading): Judged => {
    const statistical = settings.precision === 'float32' && !settings.tolerance;
    const ctx = contextFor(settings, statistical ? statisticalJudging(probeSettings(settings)) : finiteDifferences);
    if (!statistical) ctx.measured = measuredRounding(noise, output.data);
    return { settings, ctx, method: statistical ? 'statistical' : 'finite differences', ...(noise ? { noise } : {}) };
  };
  if (!measured) return judged(resolveOptions(given, output.data));
  const float64 = resolveOptions({ ...given, precision: 'float64' }, output.data);
  const reading = contextFor(float64, finiteDifferences);
  if (probed && float64.mode !== 'full') {
    // drawn as the probes would draw them, for the samples of a large output to be projected on
    // as they are taken: the probes difference those projections, and no sample is kept
    probeDirection(reading);
    probeCotangents(reading);
  }
  const { precision, noise } = measureArithmetic(reading, () => gradientValues(target, inputs, output, float64.seed));
  if (precision === 'float32') return judged(resolveOptions({ ...given, precision }, output.data), noise);
  // float64 probes go on along the direction read (its samples cost nothing again); full mode's
  // Jacobian draws from the seed as if nothing had been read before
  if (float64.mode === 'full') return judged(float64, noise);
  reading.measured = measuredRounding(noise, output.data);
  return { settings: float64, ctx: reading, method: 'finite differences', ...(noise ? { noise } : {}) };
}

/**
 * Every entry of the gradients a vjp gives for a random cotangent: more values to read the
 * arithmetic off — and for a second one where the first gave a single value (a scalar function of
 * a scalar), which alone says nothing (see arithmeticOf).
 */
function gradientValues(target: GuardedTarget, inputs: readonly Tensor[], output: Tensor, seed: number): number[] {
  const differentiable = inputs.map((_, k) => k).filter((k) => !target.nondifferentiable.includes(k));
  const pulled = (s: number) => {
    const grads = target.vjp(inputs, randn(output.shape, s), differentiable);
    return differentiable.flatMap((k) => Array.from(grads[k]!.data));
  };
  const values = pulled(seed);
  return values.length > 1 ? values : [...values, ...pulled(seed + 1)];
}

/** What the forward's values along the first probe say of its arithmetic. */
export interface Measured {
  precision: 'float64' | 'float32';
  /** The noise reading; undefined where the forward is undefined at one of the steps. */
  noise?: NoiseReading;
}

/**
 * The forward along the first probe's direction at the steps of the first run the finite
 * differences take along it (they reuse these samples: in float64 the reading costs nothing): the
 * arithmetic its values say (see arithmeticOf, asked with every sampled value, then `more`
 * values where those are too simple to tell), and the noise they show.
 */
export function measureArithmetic(ctx: Context, more: () => ArrayLike<number>): Measured {
  const { evidence, noise } = sampled(ctx, firstRun(ctx));
  return { precision: evidence.precision(more), ...(noise ? { noise } : {}) };
}

/** The first run's steps: `levels` halvings from the first step, both signs. */
function firstRun(ctx: Context): number[] {
  return Array.from({ length: ctx.settings.levels }, (_, k) => ctx.settings.step * 2 ** -k).flatMap((h) => [h, -h]);
}

/**
 * Noise at this fraction of each entry's scale is no kink, jump or change of curvature nearby
 * (one would have to lie within a millionth of the entry): those leave residuals at the check's
 * own steps, but rounding noise is as large, relative to the values, at every step.
 */
const SMALL_STEP = 2 ** -20;

/**
 * The noise of a forward whose finite differences fail or cannot tell (`first`: the reading at the
 * first probe's steps), read again at steps drawn at random, not halved: the first reading's steps,
 * powers of two times a direction that is a multiple of a power of two, can move the input by
 * amounts a forward's rounding lattice aliases on — every sample at one offset within a tread of
 * its staircase, where the rounding is a straight line the polynomial absorbs (tanh as
 * (e^{2x} − 1)/(e^{2x} + 1) at 1.67e-9 read 1.6e-16 of noise there, 2e-8 at other steps). A quiet
 * first reading is read again at its own scale (8 forward evaluations); noise found there, or by
 * the first reading, is read again at steps of about SMALL_STEP (8 more). Small steps across many
 * treads of a staircase of that noise (SPAN standard deviations) that show none say the larger
 * steps saw structure (a kink, a change of curvature a step away: a float64 tanh MLP read 1.5e-11
 * at random steps of 2^-10 to 2^-7 of its entries), and small steps whose values scatter beyond
 * any rounding an oscillation — then undefined; small steps that move the forward less (a tiny
 * entry of a cancelling formula) say nothing. Otherwise the noisier of the rounding-like readings.
 */
export function noiseOfDoubted(ctx: Context, first: NoiseReading): NoiseReading | undefined {
  const rng = new Rng(ctx.settings.seed);
  const reading = isRoundingNoise(first) ? first : atRandomSteps(ctx, ctx.settings.step, rng);
  if (!isRoundingNoise(reading)) return undefined;
  const small = spanning(ctx, atRandomSteps(ctx, SMALL_STEP, rng), SMALL_STEP, reading!, rng);
  if (small === undefined || (judgeNoise(small) !== 'noisy' && small.range < SPAN * reading!.noise)) return reading;
  if (!isRoundingNoise(small)) return undefined;
  return small.noise > reading!.noise ? small : reading;
}

/** Samples spread over this many standard deviations of a staircase's noise cross several of its treads (one is √12 of them). */
const SPAN = 16;

/**
 * Small steps that moved the forward, but across too few treads of a staircase of the noise read
 * to show it, taken again at the scale where they would cross 2·SPAN of its standard deviations —
 * if that is still below the first reading's smallest step (8 forward evaluations more). A relu
 * of a sum 0.02 from its kink read 3e-3 of its values at steps of 2^-10 to 2^-7, some across the
 * kink; steps of 2^-20 moved it by a tenth of that noise, and said nothing; steps of 2^-14 move it
 * by 32 times as much and show float64's rounding: the larger steps saw structure, not noise.
 */
function spanning(ctx: Context, small: NoiseReading | undefined, scale: number, reading: NoiseReading, rng: Rng): NoiseReading | undefined {
  if (small === undefined || judgeNoise(small) === 'noisy' || !(small.range > 0) || small.range >= SPAN * reading.noise) return small;
  const longer = (scale * 2 * SPAN * reading.noise) / small.range;
  return longer < ctx.settings.step * 2 ** -ctx.settings.levels ? atRandomSteps(ctx, longer, rng) : small;
}

/** The noise at `levels` random steps between 1/8 of `scale` and `scale`, both signs. */
function atRandomSteps(ctx: Context, scale: number, rng: Rng): NoiseReading | undefined {
  const steps = Array.from({ length: ctx.settings.levels }, () => scale * rng.uniform(1 / 8, 1));
  return sampled(ctx, steps.flatMap((h) => [h, -h])).noise;
}

/**
 * The forward along the first probe's direction at these steps, and the noise it shows. A small
 * output's samples are the context's (see sampleAt: the probes difference them), read entry by
 * entry. A large one's are taken one at a time and let go (see projectedSample: the probes'
 * projections on them are kept, for a check that probes — `probed`), their noise read off
 * projections (see ProjectedNoise), on signs of their own seed so that the check's draws stay as
 * they were, and their arithmetic as they come.
 */
function sampled(ctx: Context, steps: readonly number[]): { evidence: ArithmeticEvidence; noise?: NoiseReading } {
  const { output } = ctx;
  const direction = probeDirection(ctx);
  const evidence = new ArithmeticEvidence();
  evidence.add(output.data);
  const size = sizeOfTerms(output.data);
  if (output.size < PROJECTED_FROM) {
    const samples = steps.map((t) => sampleAt(ctx, direction, t));
    const rows = samples.filter((y) => y !== null);
    rows.forEach((y) => evidence.add(y));
    return { evidence, ...(rows.length === samples.length ? { noise: readNoiseByStep([0, ...steps], [output.data, ...rows], size) } : {}) };
  }
  if (ctx.cotangents) projectOnto(ctx, direction, ctx.cotangents.slice(0, ctx.settings.probes));
  const reader = new ProjectedNoise(new Rng(ctx.settings.seed ^ SIGNS), output.size, ctx.target.spares);
  reader.add(0, output.data);
  let defined = true;
  for (const t of steps) {
    const y = projectedSample(ctx, direction, t);
    if (y === null) defined = false;
    else {
      evidence.add(y);
      reader.add(t, y);
    }
  }
  return { evidence, ...(defined ? { noise: reader.reading(size) } : {}) };
}

/** Sets the seed of the projections' signs apart from the check's own: a stream of their own. */
const SIGNS = 0x9e3779b1;