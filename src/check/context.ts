import { Rng, type Tensor } from '../tensor/index.js';
import { type NumericDerivative, judge } from './compare.js';
import { Ledger } from './ledger.js';
import type { Derivatives } from './richardson.js';
import { alongDirection, numericOf } from './numeric.js';
import type { Settings } from './options.js';
import type { Comparison } from './report.js';

import { InputSpace, absDot, dot, dots, productSizes, rootMeanSquare } from './space.js';
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
  /** Projections of the forward on cotangents, by direction (see Projected). */
  projected: WeakMap<Float64Array, Projected>;
  /** What sets a projection's rounding, by cotangent (see projectionSizes). */
  projectionSizes: WeakMap<Float64Array, ProjectionSizes>;
  /**
   * Each differentiable input's typical gradient, by slot (see InputSpace.differentiable): the
   * root-mean-square of its gradient entries over every vjp of the check (0 before any). A
   * derivative's rounding follows the size of the intermediates it was computed from, not its own:
   * 1 − p for p ≈ 1 is tiny and off by ε. Those intermediates are not seen; the input's other
   * gradient entries show their size better than the entry itself. One number per input, not an
   * array as large as it (10⁶ entries written and read at every comparison).
   */
  typical: Float64Array;
  /** How derivatives along directions are judged here (see Judging). */
  judging: Judging;
  /** The forward's values along a direction by step, shared by everything that samples it (the noise reading and the finite differences). */
  sampled: WeakMap<Float64Array, Map<number, Float64Array | null>>;
  /** The first probe's direction, drawn once: the noise is read along it before the probes use it. */
  direction?: Float64Array;
  /**
   * The probes' cotangents, drawn once (see probeCotangents in fast.ts): where the output is large,
   * the samples the noise is read on are projected on them as they are taken, and let go.
   */
  cotangents?: Float64Array[];
  /** The output's unit (see outputUnit), once taken. */
  unit?: number;
  /**
   * The forward's noise per unit of its values, as read along the first probe (see
   * measuredRounding), once it has been; 0 before. Rounding that finite differences read off φ is
   * believed up to it: a long sum's rounding is far above one unit in its last place.
   */
  measured: number;
}

/** A cotangent, the gradient the vjp gave for it, and the analytic derivative along directions compared (the vjp's or the jvp's). */
export interface Probe {
  cotangent: Float64Array;
  gradient: Float64Array;
  analytic: Analytic;
}

/**
 * How a check judges derivatives along directions: against finite differences with a tolerance
 * derived from their error estimate (exact arithmetic, see fast.ts), or by a significance test on
 * a slope read off many samples with its error bar (noisy arithmetic, see statistical-check.ts).
 * Probing and localisation ask the context's judging, and know no more.
 */
export interface Judging {
  /** The probes of fast and auto mode: every comparison goes to the ledger; those that did not agree are returned. */
  probes(ctx: Context): Disagreement[];
  /** ⟨cotangent, J·direction⟩ judged against the probe's analytic value; `confirm`: see judgedAlong. */
  along(ctx: Context, direction: Float64Array, probe: Probe, where: Pick<Comparison, 'input' | 'index' | 'quantity'>, confirm?: boolean): Comparison;
  /** The direction that moves one entry (its comparison is restated per unit of it). */
  basis(ctx: Context, position: number): Float64Array;
  /**
   * Full mode: the Jacobian's column at one input entry — every output entry's derivative along
   * it, judged against the analytic rows (rows[i]: the vjp of the i-th basis cotangent) and against
   * the jvp's column where the target has one — restated per unit of the entry.
   */
  column(ctx: Context, position: number, rows: readonly Float64Array[]): Comparison[];
  /** Which disagreements of a part of a direction localisation follows down to entries. */
  follows(comparison: Comparison): boolean;
  /**
   * A projection's disagreement is evidence on its own, and stands when no entry reproduces it (an
   * error spread thinly over many entries). Otherwise an entry must reproduce it (see checkGradients).
   */
  projectionsStand: boolean;
}

/** A probe that did not agree, with what localising it needs. */
export interface Disagreement extends Probe {
  comparison: Comparison;
  direction: Float64Array;
}

/** The context of a check at `inputs`, where the target's output is `output`. */
export function newContext(
  target: GuardedTarget,
  inputs: readonly Tensor[],
  nondifferentiable: readonly number[],
  output: Tensor,
  settings: Settings,
  judging: Judging,
  ledger = new Ledger(),
): Context {
  const space = new InputSpace(inputs, nondifferentiable, settings.exactStep, settings.precision === 'float32' ? 23 : 52, target.spares);
  return {
    target, space, output, settings, rng: new Rng(settings.seed), ledger, judging,
    pushed: new WeakMap(), differenced: new WeakMap(), projected: new WeakMap(), projectionSizes: new WeakMap(), sampled: new WeakMap(), measured: 0,
    typical: new Float64Array(space.differentiable.length),
  };
}

/** The first probe's direction (drawn on first use). */
export function probeDirection(ctx: Context): Float64Array {
  ctx.direction ??= ctx.space.randomDirection(ctx.rng);
  return ctx.direction;
}

/** The forward at the input moved by t·direction, evaluated once per direction and step (null where it is undefined). */
export function sampleAt(ctx: Context, direction: Float64Array, t: number): Float64Array | null {
  const known = cached(ctx.sampled, direction, () => new Map<number, Float64Array | null>());
  if (!known.has(t)) known.set(t, ctx.target.tryForward(ctx.space.shifted(direction, t), ctx.output.size));
  return known.get(t)!;
}

/** The analytic derivative of ⟨cotangent, f⟩ along a direction, with the size of the terms behind it. */
export type Analytic = (direction: Float64Array) => { value: number; scale: number };

/** ⟨g, d⟩ for a gradient g already pulled back by the vjp: costs nothing per direction. */
export function fromGradient(ctx: Context, gradient: Float64Array): Analytic {
  return (direction) => {
    // its terms and the typical gradient's along the direction (see typicalScale), on the same pass
    const { dot: value, terms, around } = ctx.space.dotWithSizes(gradient, direction, ctx.typical);
    return { value, scale: terms + around * AROUND };
  };
}

/** ⟨v, jvp(d)⟩: one jvp call per direction. */
export function fromJvp(ctx: Context, cotangent: Float64Array): Analytic {
  return (direction) => {
    const pushed = pushForward(ctx, direction);
    return { value: dot(cotangent, pushed), scale: absDot(cotangent, pushed) + typicalScale(ctx, direction) };
  };
}

/**
 * The size of terms that intermediates as large as the typical gradient add to a derivative along
 * a direction: their rounding is a few ε of them (an allowance of 16ε, where a value's own terms
 * are allowed 1024ε of rounding growth), however small the derivative that came out.
 */
export function typicalScale(ctx: Context, direction: Float64Array): number {
  return ctx.space.typicalAlong(direction, ctx.typical) * AROUND;
}

/**
 * The share of the values around a derivative (intermediates it was computed from) in its
 * rounding allowance: a value's own terms are allowed 1024ε of rounding growth, these 16ε.
 */
export const AROUND = 1 / 64;

/**
 * ⟨|v|, |f|⟩ for cotangent weights v (their magnitudes: a cotangent itself will do) and the output
 * f: the size of the intermediates nearest the output, a cotangent's times an output's, that a
 * derivative along a direction of one scale unit was computed from (a saturated softmax's vjp,
 * p ⊙ (v − ⟨v, p⟩), is tiny and off by ε·|v|). As `size` in units of `unit`, a power of two, so
 * that outputs near overflow stay finite. Weights `mixed` with a second vector are a·|v| + (1 − a)·|w|,
 * taken entry by entry rather than written out (10⁶ entries of a fresh array cost a cheap target's call).
 */
export function aroundOutput(ctx: Context, weights: Float64Array, mixed?: { a: number; with: Float64Array }): { unit: number; size: number } {
  const unit = outputUnit(ctx);
  const output = ctx.output.data;
  const a = mixed?.a ?? 1;
  const second = mixed?.with;
  let size = 0;
  for (let i = 0; i < output.length; i++) {
    const weight = second ? a * Math.abs(weights[i]!) + (1 - a) * Math.abs(second[i]!) : weights[i]!;
    size += (Math.abs(output[i]!) / unit) * Math.abs(weight);
  }
  return { unit, size };
}

/** A power of two at or below the output's largest entry (1 for an output of zeros). */
export function outputUnit(ctx: Context): number {
  if (ctx.unit === undefined) {
    const output = ctx.output.data;
    let largest = 0;
    for (let i = 0; i < output.length; i++) largest = Math.max(largest, Math.abs(output[i]!));
    ctx.unit = largest > 0 && Number.isFinite(largest) ? 2 ** Math.floor(Math.log2(largest)) : 1;
  }
  return ctx.unit;
}

export function pushForward(ctx: Context, direction: Float64Array): Float64Array {
  return cached(ctx.pushed, direction, () => ctx.target.jvp(ctx.space.inputs, ctx.space.split(direction), ctx.output.shape).data);
}

/** Finite differences along a direction, taken once however many comparisons use them (and once more to confirm them). */
function differenced(ctx: Context, direction: Float64Array, confirm = false): Derivatives {
  const known = ctx.differenced.get(direction);
  if (known && (known.confirmed || !confirm)) return known;
  const made = alongDirection(ctx.target, ctx.space, (t) => sampleAt(ctx, direction, t), direction, ctx.output.data, ctx.settings, ctx.typical, ctx.measured, confirm ? known : undefined);
  ctx.differenced.set(direction, made);
  return made;
}

/**
 * Outputs of at least this many entries are differenced as projections where a comparison is of
 * one (a probe, a part of a direction in localisation): φ_v(t) = ⟨v, f(x + t·u)⟩ for the
 * cotangents v compared along u, one dot product per cotangent per sample, where every output
 * entry's tableaux cost about 6 µs per entry per direction — 400 times a cheap elementwise
 * target's own work. A projection's rounding is read off its own samples, and its noise is a
 * sum's: a kink in one entry of many shows in it at that entry's weight, against rounding that
 * grows as the root of the entries, not their sum. Below this size the entries' own tableaux cost
 * no more than the target, and every verdict stays as measured on the detection bench. An input
 * entry's comparison (what a verdict names) is a projection like any other: localising one wrong
 * entry of a 10⁶-entry elementwise target spent nearly all its time differencing every output
 * along the last entries' directions. Full mode's columns are differenced entry by entry.
 */
export const PROJECTED_FROM = 4096;

/**
 * Projections of the forward along a direction on the cotangents compared there: one run of steps
 * serves them all, and keeps k values a step, not the output.
 */
export interface Projected {
  cotangents: Float64Array[];
  /** ⟨v, f(x + t·u)⟩ for every cotangent v, by step t (null where f is undefined). */
  at: Map<number, Float64Array | null>;
  derivatives?: Derivatives;
}

/**
 * Project along a direction on these cotangents, before anything is sampled there: the probes of
 * fast mode compare several cotangents along one direction, from the same forward evaluations.
 */
export function projectOnto(ctx: Context, direction: Float64Array, cotangents: readonly Float64Array[]): void {
  if (ctx.output.size >= PROJECTED_FROM && !ctx.projected.has(direction)) ctx.projected.set(direction, { cotangents: [...cotangents], at: new Map() });
}

/** Where ⟨cotangent, f⟩ along a direction is differenced as a projection (see PROJECTED_FROM): its group and component. */
function projection(ctx: Context, direction: Float64Array, cotangent: Float64Array): { group: Projected; component: number } | undefined {
  if (ctx.output.size < PROJECTED_FROM) return undefined;
  const group = cached(ctx.projected, direction, (): Projected => ({ cotangents: [], at: new Map() }));
  let component = group.cotangents.indexOf(cotangent);
  // a cotangent new to a direction already sampled is differenced entry by entry rather than sample it all again
  if (component < 0 && group.at.size === 0) component = group.cotangents.push(cotangent) - 1;
  return component < 0 ? undefined : { group, component };
}

/** Finite differences of a direction's projections (see Projected), taken once (and once more to confirm them). */
function projectedDerivatives(ctx: Context, direction: Float64Array, group: Projected, confirm: boolean): Derivatives {
  const known = group.derivatives;
  if (known && (known.confirmed || !confirm)) return known;
  const { cotangents, at } = group;
  const sample = (t: number) => {
    if (!at.has(t)) {
      // the samples the noise was read on are there already, as projections (or, taken entry by
      // entry before, whole)
      const sampled = ctx.sampled.get(direction);
      if (sampled?.has(t)) at.set(t, projected(cotangents, sampled.get(t)!));
      else projectedSample(ctx, direction, t);
    }
    return at.get(t)!;
  };
  const y = ctx.output.data;
  const each = cotangents.map((v) => projectionSizes(ctx, v));
  const sizes = { terms: Float64Array.from(each, (s) => s.terms), spread: Float64Array.from(each, (s) => s.spread), weight: Float64Array.from(each, (s) => s.weight) };
  group.derivatives = alongDirection(ctx.target, ctx.space, sample, direction, projected(cotangents, y)!, ctx.settings, ctx.typical, ctx.measured, confirm ? known : undefined, sizes);
  return group.derivatives;
}

/** ⟨v, f⟩ for each cotangent v (null where f is undefined). */
function projected(cotangents: readonly Float64Array[], f: Float64Array | null): Float64Array | null {
  return f && dots(cotangents, f);
}

/**
 * The forward at the input moved by t·direction, not kept: where the direction's projections are
 * planned (see projectOnto), its projections are, for the finite differences to come. Its values
 * are lent (see GuardedTarget.tryForwardLent): read them before the target runs again.
 */
export function projectedSample(ctx: Context, direction: Float64Array, t: number): Float64Array | null {
  const f = ctx.target.tryForwardLent(ctx.space.shifted(direction, t), ctx.output.size);
  const group = ctx.projected.get(direction);
  if (group && !group.at.has(t)) group.at.set(t, projected(group.cotangents, f));
  return f;
}

/** What sets the rounding of a projection on a cotangent v: Σ|v_i f_i|, √Σ(v_i f_i)², Σ|v_i|. */
interface ProjectionSizes {
  terms: number;
  spread: number;
  weight: number;
}

/**
 * A cotangent's projection sizes, taken once per check: localisation projects every part of a
 * direction on the same cotangent, and three passes over a 10⁶-entry output per part cost more
 * than a cheap target's call.
 */
function projectionSizes(ctx: Context, v: Float64Array): ProjectionSizes {
  return cached(ctx.projectionSizes, v, () => productSizes(v, ctx.output.data));
}

/**
 * The numeric derivative of ⟨cotangent, f⟩ along a direction, with the derivatives it was read
 * from (`take`, confirmed when asked) and its component in them: a projection's own where the
 * output is large (see PROJECTED_FROM), else every entry's, weighted by the cotangent.
 */
function derivativeOf(ctx: Context, direction: Float64Array, cotangent: Float64Array): { take: (confirm: boolean) => Derivatives; component: Float64Array | number } {
  const found = projection(ctx, direction, cotangent);
  if (found) return { take: (confirm) => projectedDerivatives(ctx, direction, found.group, confirm), component: found.component };
  return { take: (confirm) => differenced(ctx, direction, confirm), component: cotangent };
}

/** ⟨cotangent, f⟩'s numeric derivative along a direction, of a projection (see derivativeOf), confirmed on further runs of steps. */
export function confirmedProjection(ctx: Context, direction: Float64Array, cotangent: Float64Array): NumericDerivative {
  const { take, component } = derivativeOf(ctx, direction, cotangent);
  return numericOf(take(true), component);
}

/**
 * Judged against finite differences along a direction. An entry's failure or kink — what a verdict
 * names — is confirmed on further runs of steps before it stands (`confirm`): an oscillation can
 * alias on one run and look smooth, and noise can set one-sided slopes apart on one run, but not
 * the same way on another. Projections only guide the search to entries, and are not confirmed.
 */
export function judgedAlong(ctx: Context, direction: Float64Array, judgeWith: (d: Derivatives) => Comparison[], confirm = true): Comparison[] {
  return judgedFrom((again) => differenced(ctx, direction, again), judgeWith, confirm);
}

function judgedFrom(take: (confirm: boolean) => Derivatives, judgeWith: (d: Derivatives) => Comparison[], confirm: boolean): Comparison[] {
  const first = judgeWith(take(false));
  if (!confirm || !first.some((c) => c.verdict === 'fail' || c.verdict === 'nonsmooth') || take(false).confirmed) return first;
  return judgeWith(take(true));
}

function cached<V>(cache: WeakMap<Float64Array, V>, key: Float64Array, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Take note of gradients the vjp gave: they set each input's typical gradient (see Context.typical). */
export function noteGradients(ctx: Context, gradients: readonly Float64Array[]): void {
  const { space } = ctx;
  space.differentiable.forEach((k, slot) => {
    const offset = space.offsets[slot]!;
    ctx.typical[slot] = rootMeanSquare(gradients, offset, offset + space.inputs[k]!.size);
  });
}

/**
 * Compare analytic and finite-difference derivatives of ⟨cotangent, f⟩ along a direction; an
 * entry's failure or kink is confirmed (see judgedAlong), a projection's when asked.
 */
export function compareAlong(
  ctx: Context,
  direction: Float64Array,
  cotangent: Float64Array,
  analytic: Analytic,
  where: Pick<Comparison, 'input' | 'index' | 'quantity'>,
  confirm = where.input !== null,
): Comparison {
  const { value, scale } = analytic(direction);
  const { take, component } = derivativeOf(ctx, direction, cotangent);
  return judgedFrom(take, (d) => [judge(value, numericOf(d, component), scale, ctx.settings, where)], confirm)[0]!;
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
    ...(comparison.statistics ? { statistics: { ...comparison.statistics, standardError: comparison.statistics.standardError / scale } } : {}),
  };
}
