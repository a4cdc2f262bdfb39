import { Rng, type Tensor } from '../tensor/index.js';
import { judge } from './compare.js';
import { Ledger } from './ledger.js';
import type { Derivatives } from './richardson.js';
import { alongDirection, numericOf } from './numeric.js';
import type { Settings } from './options.js';
import type { Comparison } from './report.js';
import { InputSpace, absDot, dot } from './space.js';
import type { GuardedTarget } from './target.js';

/** What every mode works with: the target, its input and output, and where comparisons go. */
export interface Context {
  target: GuardedTarget;
  space: InputSpace;
  output: Tensor;
  settings: Settings;
  rng: Rng;
  ledger: Ledger;
  /** jvp results by direction, so a direction is pushed forward once. */
  pushed: WeakMap<Float64Array, Float64Array>;
  /** Finite differences by direction, so probes along one direction share their evaluations. */
  differenced: WeakMap<Float64Array, Derivatives>;
}

/** The context of a check at `inputs`, where the target's output is `output`. */
export function newContext(
  target: GuardedTarget,
  inputs: readonly Tensor[],
  nondifferentiable: readonly number[],
  output: Tensor,
  settings: Settings,
  ledger = new Ledger(),
): Context {
  const space = new InputSpace(inputs, nondifferentiable, settings.step * 2 ** (1 - settings.levels), settings.precision === 'float32' ? 23 : 52);
  return { target, space, output, settings, rng: new Rng(settings.seed), ledger, pushed: new WeakMap(), differenced: new WeakMap() };
}

/** The analytic derivative of ⟨cotangent, f⟩ along a direction, with the size of its terms. */
export type Analytic = (direction: Float64Array) => { value: number; scale: number };

/** ⟨g, d⟩ for a gradient g already pulled back by the vjp: costs nothing per direction. */
export function fromGradient(gradient: Float64Array): Analytic {
  return (direction) => ({ value: dot(gradient, direction), scale: absDot(gradient, direction) });
}

/** ⟨v, jvp(d)⟩: one jvp call per direction. */
export function fromJvp(ctx: Context, cotangent: Float64Array): Analytic {
  return (direction) => {
    const pushed = pushForward(ctx, direction);
    return { value: dot(cotangent, pushed), scale: absDot(cotangent, pushed) };
  };
}

export function pushForward(ctx: Context, direction: Float64Array): Float64Array {
  return cached(ctx.pushed, direction, () => ctx.target.jvp(ctx.space.inputs, ctx.space.split(direction), ctx.output.shape).data);
}

function cached<V>(cache: WeakMap<Float64Array, V>, key: Float64Array, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Compare analytic and finite-difference derivatives of ⟨cotangent, f⟩ along a direction. */
export function compareAlong(
  ctx: Context,
  direction: Float64Array,
  cotangent: Float64Array,
  analytic: Analytic,
  where: Pick<Comparison, 'input' | 'index' | 'quantity'>,
): Comparison {
  const derivatives = cached(ctx.differenced, direction, () => alongDirection(ctx.target, ctx.space, direction, ctx.output.data, ctx.settings));
  const numeric = numericOf(derivatives, cotangent);
  const { value, scale } = analytic(direction);
  return judge(value, numeric, scale, ctx.settings, where);
}

/** A comparison along scale·e_j, restated per unit of the entry itself. */
export function perUnit(comparison: Comparison, scale: number): Comparison {
  return {
    ...comparison,
    analytic: comparison.analytic / scale,
    numeric: comparison.numeric / scale,
    absError: comparison.absError / scale,
    tolerance: comparison.tolerance / scale,
    ...(comparison.oneSided ? { oneSided: [comparison.oneSided[0] / scale, comparison.oneSided[1] / scale] } : {}),
  };
}
