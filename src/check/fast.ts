import { Tensor } from '../tensor/index.js';
import { roundingTolerance } from './compare.js';
import { type Analytic, type Context, compareAlong, fromGradient, fromJvp } from './context.js';
import type { Comparison } from './report.js';
import { randomVector } from './space.js';

/** A random projection that disagreed, with what localising it needs. */
export interface Disagreement {
  comparison: Comparison;
  direction: Float64Array;
  cotangent: Float64Array;
  analytic: Analytic;
}

/**
 * Probe with one random tangent u and several random cotangents v (never all-ones: the gradient of
 * sum(softmax(x)) is zero). ⟨v, J u⟩ by finite differences costs the same forward evaluations for
 * every v, so extra probes cost one vjp each; nothing depends on the size of the input.
 */
export function fastProbes(ctx: Context): Disagreement[] {
  const { space, target, output, settings, rng, ledger } = ctx;
  const direction = space.randomDirection(rng);
  // Derivatives first, finite differences after: no forward call is needed in between.
  const probes = Array.from({ length: settings.probes }, () => {
    const cotangent = randomVector(rng, output.size);
    const vjp = fromGradient(space.join(target.vjp(space.inputs, new Tensor(cotangent, output.shape), space.differentiable)));
    const jvp = target.target.jvp ? fromJvp(ctx, cotangent) : undefined;
    jvp?.(direction); // pushes the direction forward now; the result is cached
    return { cotangent, vjp, jvp };
  });
  const disagreements: Disagreement[] = [];
  const compare = (cotangent: Float64Array, analytic: Analytic, quantity: Comparison['quantity']) => {
    const comparison = ledger.add(compareAlong(ctx, direction, cotangent, analytic, { input: null, index: [], quantity }));
    if (comparison.verdict !== 'agree') disagreements.push({ comparison, direction, cotangent, analytic });
  };
  for (const { cotangent, vjp, jvp } of probes) {
    compare(cotangent, vjp, 'vjp');
    if (jvp) {
      compare(cotangent, jvp, 'jvp');
      ledger.add(duality(ctx, vjp(direction), jvp(direction)));
    }
  }
  return disagreements;
}

/** ⟨vjp(v), u⟩ = ⟨v, jvp(u)⟩ up to rounding. */
function duality(ctx: Context, vjp: { value: number; scale: number }, jvp: { value: number; scale: number }): Comparison {
  const { settings } = ctx;
  const absError = Math.abs(vjp.value - jvp.value);
  const largest = Math.max(Math.abs(vjp.value), Math.abs(jvp.value));
  const tolerance = settings.tolerance
    ? settings.tolerance.atol + settings.tolerance.rtol * Math.abs(vjp.value)
    : roundingTolerance(vjp.scale + jvp.scale, settings.eps);
  return {
    input: null,
    index: [],
    quantity: 'duality',
    analytic: jvp.value,
    numeric: vjp.value,
    absError,
    relError: largest === 0 ? 0 : absError / largest,
    tolerance,
    verdict: absError <= tolerance ? 'agree' : 'fail',
  };
}
