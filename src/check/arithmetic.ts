/**
 * Which arithmetic a target computes in, from its values along the first probe and its measured
 * noise, not from its inputs or array type: the first probe's direction moves every input off the
 * float32 grid (see InputSpace), so a forward that returns float32 values there rounds to float32,
 * and one that does not computes in float64 — an exact 2x on float32-representable inputs stays
 * float64. The noise read off the same samples says whether a float64 forward is noisier than
 * float64 (a cancelling formula, float32-accurate kernels in float64 arrays): such a forward gets
 * a statistical second opinion where finite differences fail it (see checkGradients).
 */
import { type Context, probeDirection, sampleAt } from './context.js';
import { type NoiseReading, isRoundingNoise, readNoise } from './noise.js';
import { arithmeticOf } from './options.js';

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
  const { values, noise } = sampled(ctx, ctx.settings.step);
  return { precision: arithmeticOf(values, more), ...(noise ? { noise } : {}) };
}

/** The first run's steps from `first`: `levels` halvings, both signs. */
function stepsFrom(ctx: Context, first: number): number[] {
  return Array.from({ length: ctx.settings.levels }, (_, k) => first * 2 ** -k).flatMap((h) => [h, -h]);
}

/**
 * Noise at this fraction of each entry's scale is no kink, jump or change of curvature nearby
 * (one would have to lie within a millionth of the entry): those leave residuals at the check's
 * own steps, but rounding noise is as large, relative to the values, at every step.
 */
const SMALL_STEP = 2 ** -20;

/** Whether rounding-like noise (see isRoundingNoise) shows at steps of SMALL_STEP too: noise, not structure (costs 8 forward evaluations). */
export function noisyAtSmallSteps(ctx: Context): boolean {
  return isRoundingNoise(sampled(ctx, SMALL_STEP).noise);
}

/** The forward along the first probe's direction at `levels` halving steps from `first`, both signs: every value, and the noise they show. */
function sampled(ctx: Context, first: number): { values: Float64Array; noise?: NoiseReading } {
  const { output } = ctx;
  const direction = probeDirection(ctx);
  const steps = stepsFrom(ctx, first);
  const samples = steps.map((t) => sampleAt(ctx, direction, t));
  const values = Float64Array.from([output.data, ...samples.filter((y) => y !== null)].flatMap((y) => Array.from(y)));
  if (samples.some((y) => y === null)) return { values };
  const series = Array.from(output.data, (y0, i) => [y0, ...samples.map((y) => y![i]!)]);
  return { values, noise: readNoise([0, ...steps], series, output.data.reduce((s, y) => s + Math.abs(y), 0)) };
}
