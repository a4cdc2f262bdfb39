/**
 * Which arithmetic a target computes in, from its measured noise rather than from whether its
 * values happen to be float32 values: a float64 2x on float32-representable inputs is exact, and
 * stays float64; a float64 array filled by float32-accurate kernels is noisy whatever its type.
 */
import { type Context, probeDirection, sampleAt } from './context.js';
import { type NoiseReading, isRoundingNoise, judgeNoise, readNoise } from './noise.js';
import { arithmeticOf } from './options.js';

/** What the forward's values along the first probe say of its arithmetic. */
export interface Measured {
  precision: 'float64' | 'float32';
  /** The noise reading; undefined where the forward is undefined at one of the steps. */
  noise?: NoiseReading;
}

/**
 * The forward's noise along the first probe's direction, at the steps of the first run the finite
 * differences take along it (they reuse these samples: in float64 the reading costs nothing), and
 * the arithmetic it says: float64 when the forward is as quiet as float64 rounding; otherwise the
 * values tell (see arithmeticOf, asked with every sampled value, then `more` values): float32
 * values that are noisy, or that did not move enough to show noise, are float32 arithmetic;
 * float64 values that are noisy are a float64 forward noisier than its arithmetic (judged at its
 * noise, see checkGradients).
 */
export function measureArithmetic(ctx: Context, more: () => ArrayLike<number>): Measured {
  const { values, noise } = sampled(ctx, ctx.settings.step);
  // moved inputs that are all float32 values (a short dyadic step) leave a float32 forward as
  // exact as a float64 one: quiet then says nothing of the arithmetic
  const quiet = noise && judgeNoise(noise) === 'quiet' && !float32Steps(ctx, ctx.settings.step);
  const precision = quiet ? 'float64' : arithmeticOf(values, more);
  return { precision, ...(noise ? { noise } : {}) };
}

/** Whether every input the reading at these steps moved to is a float32 value. */
function float32Steps(ctx: Context, first: number): boolean {
  const direction = probeDirection(ctx);
  return stepsFrom(ctx, first).every((t) => ctx.space.shifted(direction, t).every((x) => x.data.every((v) => Math.fround(v) === v)));
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
