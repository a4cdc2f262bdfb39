import { Tensor } from '../tensor/index.js';
import { comparisonOf, roundingTolerance } from './compare.js';
import { AROUND, type Analytic, type Context, type Disagreement, type Judging, aroundOutput, compareAlong, fromGradient, fromJvp, noteGradients, probeDirection, projectOnto } from './context.js';
import { differencedColumn } from './full.js';
import { jvpLinearity, opposite, vjpLinearity } from './linearity.js';
import type { Comparison } from './report.js';
import { randomVector } from './space.js';

/**
 * Probe with one random tangent u and several random cotangents v (never all-ones: the gradient of
 * sum(softmax(x)) is zero). ⟨v, J u⟩ by finite differences costs the same forward evaluations for
 * every v, so extra probes cost one vjp each; nothing depends on the size of the input. One more
 * vjp (and two jvps) hold the derivatives to linearity in their probes.
 */
export function fastProbes(ctx: Context): Disagreement[] {
  const { space, target, output, settings, ledger } = ctx;
  const direction = probeDirection(ctx);
  // Derivatives first, finite differences after: no forward call is needed in between.
  const pulled = probeCotangents(ctx).map((cotangent): [Float64Array, Float64Array] => [cotangent, space.join(target.vjp(space.inputs, new Tensor(cotangent, output.shape), space.differentiable))]);
  noteGradients(ctx, pulled.map(([, g]) => g));
  vjpLinearity(ctx, pulled[0]!, pulled[1]!);
  const probes = pulled.slice(0, settings.probes).map(([cotangent, gradient]) => {
    const vjp = fromGradient(ctx, gradient);
    const jvp = target.hasJvp ? fromJvp(ctx, cotangent) : undefined;
    jvp?.(direction); // pushes the direction forward now; the result is cached
    return { cotangent, gradient, vjp, jvp };
  });
  if (target.hasJvp) jvpLinearity(ctx, direction);
  // one run of steps differences every probe's projection (planned already where the noise was read)
  projectOnto(ctx, direction, probes.map((p) => p.cotangent));
  const disagreements: Disagreement[] = [];
  const compare = (cotangent: Float64Array, gradient: Float64Array, analytic: Analytic, quantity: Comparison['quantity']) => {
    const comparison = ledger.add(compareAlong(ctx, direction, cotangent, analytic, { input: null, index: [], quantity }));
    if (comparison.verdict !== 'agree') disagreements.push({ comparison, direction, cotangent, gradient, analytic });
  };
  for (const { cotangent, gradient, vjp, jvp } of probes) {
    compare(cotangent, gradient, vjp, 'vjp');
    if (jvp) {
      compare(cotangent, gradient, jvp, 'jvp');
      ledger.add(duality(ctx, cotangent, vjp(direction), jvp(direction)));
    }
  }
  return disagreements;
}

/**
 * The probes' cotangents (drawn on first use, after the first probe's direction): random, the
 * second of the signs opposite to the first's — together they hold the vjp to linearity — and one
 * more a probe beyond two.
 */
export function probeCotangents(ctx: Context): Float64Array[] {
  const { rng, output, settings } = ctx;
  if (!ctx.cotangents) {
    const first = randomVector(rng, output.size);
    ctx.cotangents = [first, opposite(rng, first), ...Array.from({ length: Math.max(0, settings.probes - 2) }, () => randomVector(rng, output.size))];
  }
  return ctx.cotangents;
}

/**
 * Judging by Richardson finite differences with a derived tolerance: for arithmetic whose rounding
 * is the only noise (float64). An entry's failure is confirmed on further runs of steps; a
 * projection that no entry reproduces is not taken for a bug (see checkGradients).
 */
export const finiteDifferences: Judging = {
  probes: fastProbes,
  along: (ctx, direction, { cotangent, analytic }, where, confirm) => compareAlong(ctx, direction, cotangent, analytic, where, confirm),
  basis: (ctx, position) => ctx.space.basis(position, ctx.rng),
  column: differencedColumn,
  follows: (comparison) => comparison.verdict !== 'agree',
  projectionsStand: false,
};

/** ⟨vjp(v), u⟩ = ⟨v, jvp(u)⟩ up to rounding, of their terms and of the values around them (see aroundOutput). */
export function duality(ctx: Context, cotangent: Float64Array, vjp: { value: number; scale: number }, jvp: { value: number; scale: number }): Comparison {
  const { settings } = ctx;
  const around = aroundOutput(ctx, cotangent);
  const tolerance = settings.tolerance
    ? settings.tolerance.atol + settings.tolerance.rtol * Math.abs(vjp.value)
    : roundingTolerance(vjp.scale + jvp.scale, settings.eps) + roundingTolerance(AROUND * around.size, settings.eps) * around.unit;
  return comparisonOf({ input: null, index: [], quantity: 'duality' }, jvp.value, vjp.value, tolerance);
}
