/**
 * checkGradients' judging for noisy arithmetic: float32 targets, and float64 forwards measurably
 * noisier than float64 (see noise.ts). A fixed tolerance cannot serve them — the noise it must
 * cover is 30–100× the disagreement a good check sees — so each derivative along a direction is a
 * slope read off many samples with an error bar from their own scatter (statistical-probe.ts), and
 * the verdict is a significance test. The probe's disagreements are localised to entries by the
 * same test along parts of its direction (localise.ts asks this judging); in full mode each input
 * entry's samples give its whole column of the Jacobian, every output entry read off them at once.
 */
import { Tensor, unravelIndex } from '../tensor/index.js';
import { comparisonOf } from './compare.js';
import { type Context, type Disagreement, type Judging, fromGradient, fromJvp, noteGradients, perUnit } from './context.js';
import { duality } from './fast.js';
import { jvpLinearity, opposite, vjpLinearity } from './linearity.js';
import type { Settings } from './options.js';
import type { Comparison, Statistics } from './report.js';
import { KINK_LIMIT, MAX_AUTOCORRELATION, type Misfit, TOP_TERM_LIMIT } from './statistical.js';
import { DEFAULT_PROBE, type ProbeComparison, type ProbeSettings, probeAlong, statisticalProbe, tensorScales } from './statistical-probe.js';

/**
 * The probe's settings for a check's: moved inputs rounded to float32 for a float32 target (the
 * change Δ(t) it really sees), kept for a float64 one; the vjp's rounding allowed for at the check's
 * unit roundoff (a noisy float64 forward's measured noise); one cotangent per probe asked for; the
 * jittered windows that confirm a failure seeded by the check's seed.
 */
export function probeSettings(settings: Settings): ProbeSettings {
  const float32 = settings.precision === 'float32';
  return { ...DEFAULT_PROBE, round: float32 ? Math.fround : (x) => x, eps: settings.eps, rounding: float32 ? 2 ** -24 : 2 ** -53, mantissaBits: float32 ? 23 : 52, cotangents: settings.probes, seed: settings.seed };
}

/** Judging by the significance test, with the given probe settings. */
export function statisticalJudging(settings: ProbeSettings): Judging {
  const one = { ...settings, cotangents: 1 };
  let scales: Float64Array | undefined;
  const basis = (ctx: Context, position: number) => {
    scales ??= tensorScales(ctx.space);
    const direction = new Float64Array(ctx.space.size);
    direction[position] = scales[position]!;
    return direction;
  };
  return {
    probes: (ctx) => statisticalProbes(ctx, settings),
    along: (ctx, direction, { cotangent, gradient }, where) => {
      const result = probeAlong(ctx.target, ctx.space, ctx.output, direction, [cotangent], [gradient], one);
      return comparisonFrom(result.comparisons.find((c) => c.quantity === where.quantity)!, where, settings);
    },
    // an entry moved by its tensor's scale, as in the probe: the error bar is then the probe's
    basis,
    // every output entry read off the same samples: one basis cotangent each, its row for gradient
    column: (ctx, position, rows) => {
      const direction = basis(ctx, position);
      const cotangents = rows.map((_, i) => Float64Array.from(rows, (__, k) => (k === i ? 1 : 0)));
      const result = probeAlong(ctx.target, ctx.space, ctx.output, direction, cotangents, [...rows], settings);
      const where = ctx.space.locate(position);
      return result.comparisons.map((c) => perUnit(comparisonFrom(c, { ...where, output: unravelIndex(c.cotangent, ctx.output.shape), quantity: c.quantity }, settings), direction[position]!));
    },
    // only significant disagreements: a part too small to resolve (inconclusive) says nothing of its entries
    follows: (comparison) => comparison.verdict === 'fail',
    projectionsStand: true,
  };
}

/**
 * The statistical probe, its comparisons in the ledger, and the identities that need no samples:
 * the vjp (and jvp) held to linearity and duality at the arithmetic's rounding.
 */
function statisticalProbes(ctx: Context, settings: ProbeSettings): Disagreement[] {
  const { space, target, output, ledger, rng } = ctx;
  // a passing check spends its budget on the probe but for what the check spent before it (the
  // input's output, the noise reading) and the forward that shows it deterministic at the end
  const probe = statisticalProbe(target, space, output, rng, { ...settings, budget: settings.budget - target.evaluations.forward - 1 });
  noteGradients(ctx, probe.gradients);
  const first = [probe.cotangents[0]!, probe.gradients[0]!] as const;
  const second = opposite(rng, first[0]);
  vjpLinearity(ctx, first, [second, space.join(target.vjp(space.inputs, new Tensor(second, output.shape), space.differentiable))]);
  if (target.hasJvp) jvpLinearity(ctx, probe.direction);
  const disagreements: Disagreement[] = [];
  for (const c of probe.comparisons) {
    const cotangent = probe.cotangents[c.cotangent]!;
    const gradient = probe.gradients[c.cotangent]!;
    const analytic = c.quantity === 'vjp' ? fromGradient(ctx, gradient) : fromJvp(ctx, cotangent);
    const comparison = ledger.add(comparisonFrom(c, { input: null, index: [], quantity: c.quantity }, settings));
    if (comparison.verdict !== 'agree') disagreements.push({ comparison, direction: probe.direction, cotangent, gradient, analytic });
    if (c.quantity === 'jvp') ledger.add(duality(ctx, cotangent, fromGradient(ctx, gradient)(probe.direction), analytic(probe.direction)));
  }
  return disagreements;
}

/**
 * A probe's comparison as the checker reports one: the numeric value is what the samples say, the
 * tolerance the allowance for the analytic value's rounding plus `threshold` standard errors; at a
 * kink, the one-sided slopes.
 */
function comparisonFrom(c: ProbeComparison, where: Pick<Comparison, 'input' | 'index' | 'output' | 'quantity'>, settings: ProbeSettings): Comparison {
  const e = c.estimate;
  const tolerance = e ? c.allowance + settings.threshold * Math.hypot(e.se, e.kinkSe) : NaN;
  const statistics: Statistics = e
    ? { standardError: e.se, z: c.z, threshold: settings.threshold, noise: e.noise, halfWidth: e.halfWidth, samples: e.samples, ...(c.scatter ? { misfit: describeScatter(c.scatter) } : c.offGrid !== undefined && c.verdict !== 'agree' ? { misfit: describeOffGrid(c.offGrid) } : {}) }
    : { standardError: NaN, z: 0, threshold: settings.threshold, noise: NaN, halfWidth: NaN, samples: 0, misfit: describeMisfit(c.misfit) };
  const sides: Partial<Comparison> = e && e.kinkSe > 0 ? { oneSided: [c.numeric - e.kink, c.numeric + e.kink] } : {};
  return { ...comparisonOf(where, c.analytic, c.numeric, tolerance, c.verdict), ...sides, statistics };
}

/** Samples that scatter beyond rounding, in words. */
function describeScatter(scatter: number): string {
  return (
    `its samples scatter by ${scatter.toExponential(1)} of the size of the values, more than any arithmetic's rounding makes: ` +
    'an oscillation faster than the window (whose slope says nothing of the derivative at the input), or a forward too noisy to judge'
  );
}

/** A grid's failure that jittered samples did not reproduce, in words. */
function describeOffGrid(z: number): string {
  return (
    `evenly spaced samples read a disagreement ${z.toPrecision(2)} standard errors beyond the rounding allowed, which samples at jittered places did not reproduce: ` +
    'the grid aliased with a forward whose rounding is a staircase, and what is reported is the jittered reading'
  );
}

/** Why no window of samples could be read, in words. */
function describeMisfit(misfit: Misfit | undefined): string {
  if (!misfit) return 'no window of samples could be read';
  if (misfit.outside) return 'the forward is undefined (throws or is not finite) beside the input in every window';
  const why = [
    misfit.autocorrelation > MAX_AUTOCORRELATION ? `its residuals are correlated (lag-1 autocorrelation ${misfit.autocorrelation.toFixed(2)}: a staircase or kinks, not noise)` : '',
    misfit.topTerm > TOP_TERM_LIMIT ? `it needs more terms than a degree-12 polynomial (top term ${misfit.topTerm.toFixed(1)} standard errors)` : '',
    misfit.kink > KINK_LIMIT ? 'it holds more kinks than can be cut at' : '',
  ].filter(Boolean);
  return `no window, down to the smallest, is a smooth curve plus noise: ${why.length > 0 ? why.join('; ') : 'its residuals do not look like noise'}`;
}
