/**
 * The evidence behind a verdict, as data for pictures: every entry's analytic and numeric
 * derivative (bounded in number), and the finite differences of one entry across step sizes. It
 * uses the checker's own numerics — the arithmetic read off the forward's measured noise, the
 * same input space, steps, Richardson tableau and tolerances, or for float32 the significance
 * test — so what it shows is what the check saw.
 */
import { Rng, type Shape, Tensor, ravelIndex } from '../tensor/index.js';
import { judgedBy } from './arithmetic.js';
import { type Analytic, type Context, fromGradient, fromJvp, newContext, noteGradients, perUnit } from './context.js';
import type { Differentiable } from './differentiable.js';
import { mostSevere } from './ledger.js';
import type { CheckOptions } from './options.js';
import type { Comparison } from './report.js';
import { extrapolate } from './richardson.js';
import { dot, randomProbe } from './space.js';
import { GuardedTarget } from './target.js';

/** Entries per input a diagnosis looks at, unless told otherwise. */
export const DIAGNOSED_ENTRIES = 256;

/** The checker's options (seed, precision, tolerances), and where to look. */
export interface DiagnoseOptions extends CheckOptions {
  /**
   * The comparison to look at (a check's worst): its input, entry and output. Its entry is centred
   * in its input's window and swept across step sizes; a full-mode comparison's output entry is the
   * cotangent, and a jvp comparison's quantity is the one compared. By default, a random cotangent,
   * the vjp, and the worst entry found.
   */
  focus?: Pick<Comparison, 'input' | 'index' | 'quantity'> & { output?: number[] };
  /** At most this many entries per input are compared (default DIAGNOSED_ENTRIES); the window holds the focus. */
  maxEntries?: number;
}

/** One input's entries, compared one by one: ⟨v, ∂f/∂x_j⟩ analytic against finite differences. */
export interface EntryMap {
  input: number;
  shape: number[];
  /** The entries compared are flat indices start … start + analytic.length − 1 (whole rows when they fit). */
  start: number;
  analytic: number[];
  /** null where no finite difference could be taken (forward undefined around the entry). */
  numeric: (number | null)[];
  tolerance: (number | null)[];
  /** The verdict of each entry; 'error' where no finite difference could be taken. */
  verdict: (Comparison['verdict'] | 'error')[];
}

/** Finite differences of one entry at halving steps: the V of truncation against rounding. */
export interface StepSweep {
  input: number;
  index: number[];
  /** The steps, in units of the entry itself. */
  h: number[];
  /** (φ(h) − φ(−h)) / 2h, per unit of the entry; null where φ is undefined at ±h. */
  central: (number | null)[];
  /** Richardson's extrapolation of the central differences at the checker's number of steps ending at h. */
  extrapolated: (number | null)[];
  /** One-sided quotients (φ(0) − φ(−h)) / h and (φ(h) − φ(0)) / h: they part at a kink. */
  left: (number | null)[];
  right: (number | null)[];
  /** The checker's comparison of this entry: analytic, numeric, tolerance, verdict, one-sided limits. */
  comparison: Comparison;
}

/** A diagnosis: what the report's heatmaps, step-size and one-sided curves are drawn from. */
export interface Diagnostics {
  target: string;
  /** What the derivatives are projected on: a random cotangent v (seeded) or one output entry. */
  cotangent: { kind: 'random'; seed: number } | { kind: 'output'; index: number[] };
  quantity: 'vjp' | 'jvp';
  /** The arithmetic, as the check reads it (given, or measured off the forward's noise), and how entries were judged there. */
  precision: 'float64' | 'float32';
  method: 'finite differences' | 'statistical';
  /** The entry cap per input. */
  maxEntries: number;
  /** One map per differentiable input with entries. */
  inputs: EntryMap[];
  /** The focus entry, or the worst one found; null when no entry could be compared. */
  steps: StepSweep | null;
  evaluations: { forward: number; vjp: number; jvp: number };
}

/**
 * Diagnose a target at inputs (a shrunk counterexample): compare ⟨v, J e_j⟩ entry by entry for
 * up to `maxEntries` entries of each input, and sweep the finite differences of the focus entry
 * across step sizes. Throws, naming the target, when it cannot even be evaluated at the inputs.
 */
export function diagnose(target: Differentiable, inputs: readonly Tensor[], options: DiagnoseOptions = {}): Diagnostics {
  const { focus, maxEntries = DIAGNOSED_ENTRIES, ...checkOptions } = options;
  const guarded = new GuardedTarget(target);
  guarded.declare(inputs.length);
  const nondifferentiable = guarded.nondifferentiable;
  const seed = checkOptions.seed ?? 0;
  const output = guarded.forward(inputs);
  const quantity = focus?.quantity === 'jvp' && guarded.hasJvp ? 'jvp' : 'vjp';
  const cotangent = focus?.output ? basisCotangent(output.shape, focus.output) : randomProbe(new Rng(seed), output.shape);
  const differentiable = inputs.map((_, k) => k).filter((k) => !nondifferentiable.includes(k));
  const gradients = guarded.vjp(inputs, cotangent, differentiable);
  const { settings, ctx, method } = judgedBy(checkOptions, guarded, inputs, output, (s, judging) => newContext(guarded, inputs, nondifferentiable, output, s, judging), false);
  const gradient = ctx.space.join(gradients);
  noteGradients(ctx, [gradient]);
  const analytic = quantity === 'vjp' ? fromGradient(ctx, gradient) : fromJvp(ctx, cotangent.data);
  const probe = { cotangent: cotangent.data, gradient, analytic };
  const compareEntry = (position: number): Comparison | 'error' => {
    const basis = ctx.judging.basis(ctx, position);
    try {
      return perUnit(ctx.judging.along(ctx, basis, probe, { ...ctx.space.locate(position), quantity }, true), basis[position]!);
    } catch {
      return 'error'; // no finite difference around this entry (forward undefined there): shown as such
    }
  };

  const compared: { position: number; comparison: Comparison }[] = [];
  const maps = ctx.space.differentiable.flatMap((k, slot): EntryMap[] => {
    const x = inputs[k]!;
    if (x.size === 0) return [];
    const centre = focus?.input === k ? flatIndex(focus.index, x.shape) : 0;
    const { start, count } = entryWindow(x.shape, centre, maxEntries);
    const map: EntryMap = { input: k, shape: [...x.shape], start, analytic: [], numeric: [], tolerance: [], verdict: [] };
    for (let i = start; i < start + count; i++) {
      const position = ctx.space.offsets[slot]! + i;
      const comparison = compareEntry(position);
      const known = comparison !== 'error';
      map.analytic.push(known ? comparison.analytic : analyticPerUnit(ctx, analytic, position));
      map.numeric.push(known ? comparison.numeric : null);
      map.tolerance.push(known ? comparison.tolerance : null);
      map.verdict.push(known ? comparison.verdict : 'error');
      if (known) compared.push({ position, comparison });
    }
    return [map];
  });

  const focused = focus && focus.input !== null ? compared.find(({ comparison: c }) => c.input === focus.input && sameIndex(c.index, focus.index)) : undefined;
  const worst = mostSevere(compared.map(({ comparison }) => comparison));
  const swept = focused ?? compared.find(({ comparison }) => comparison === worst);
  return {
    target: guarded.name,
    cotangent: focus?.output ? { kind: 'output', index: [...focus.output] } : { kind: 'random', seed },
    quantity,
    precision: settings.precision,
    method,
    maxEntries,
    inputs: maps,
    steps: swept ? sweep(ctx, swept.position, cotangent.data, swept.comparison) : null,
    evaluations: { ...guarded.evaluations },
  };
}

/** The flat window of at most `limit` entries holding `centre`: whole rows (last axis) when a row fits. */
export function entryWindow(shape: Shape, centre: number, limit: number): { start: number; count: number } {
  const size = shape.reduce((n, side) => n * side, 1);
  if (size <= limit) return { start: 0, count: size };
  const row = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const unit = row <= limit ? row : 1;
  const units = Math.floor(limit / unit);
  const first = Math.min(Math.max(Math.floor(centre / unit) - Math.floor(units / 2), 0), size / unit - units);
  return { start: first * unit, count: units * unit };
}

function flatIndex(index: readonly number[], shape: Shape): number {
  return index.length === shape.length && index.every((i, axis) => Number.isInteger(i) && i >= 0 && i < shape[axis]!) ? ravelIndex('diagnose', index, shape) : 0;
}

function sameIndex(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function basisCotangent(shape: Shape, index: readonly number[]): Tensor {
  const cotangent = new Tensor(new Float64Array(shape.reduce((n, side) => n * side, 1)), shape);
  cotangent.data[flatIndex(index, shape)] = 1;
  return cotangent;
}

function analyticPerUnit(ctx: Context, analytic: Analytic, position: number): number {
  const basis = ctx.judging.basis(ctx, position);
  return analytic(basis).value / basis[position]!;
}

/**
 * φ(t) = ⟨v, f(x + t·s·e_j)⟩ at t = 1, ½, ¼, … down to ε^¾, where rounding (ε/h) has long
 * overtaken truncation (h²): the central, one-sided and extrapolated quotients at each step.
 */
function sweep(ctx: Context, position: number, cotangent: Float64Array, comparison: Comparison): StepSweep {
  const direction = ctx.space.basis(position, ctx.rng);
  const scale = direction[position]!;
  const phi = (t: number): number | null => {
    const values = ctx.target.tryForwardLent(ctx.space.shifted(direction, t), ctx.output.size);
    return values && dot(cotangent, values);
  };
  const base = dot(cotangent, ctx.output.data);
  const { levels, eps } = ctx.settings;
  const result: StepSweep = { ...ctx.space.locate(position), h: [], central: [], extrapolated: [], left: [], right: [], comparison };
  const last = Math.round(-0.75 * Math.log2(eps));
  for (let k = 0; k <= last; k++) {
    const t = 2 ** -k;
    const plus = phi(t);
    const minus = phi(-t);
    result.h.push(t * scale);
    result.central.push(plus !== null && minus !== null ? (plus - minus) / (2 * t * scale) : null);
    result.left.push(minus !== null ? (base - minus) / (t * scale) : null);
    result.right.push(plus !== null ? (plus - base) / (t * scale) : null);
    const tail = result.central.slice(-levels);
    const complete = tail.length === levels && tail.every((c) => c !== null);
    result.extrapolated.push(complete ? extrapolate(tail as number[], result.h.slice(-levels), 4).value : null);
  }
  return result;
}
