/**
 * PROTOTYPE (phase 1): one statistical probe of a target — random-sign cotangents, a direction
 * along the gradient's signs, windows of samples halving until polynomials describe R, and a
 * significance test per cotangent and quantity.
 */
import { Rng, Tensor } from '../tensor/index.js';
import { type Misfit, type SlopeEstimate, fitWindow } from './statistical.js';
import type { InputSpace } from './space.js';
import type { GuardedTarget } from './target.js';

export interface ProbeSettings {
  /** Rounds a moved input to the arithmetic the target computes in. */
  round: (x: number) => number;
  /** Unit roundoff of that arithmetic. */
  eps: number;
  mantissaBits: number;
  threshold: number;
  firstHalfWidth: number;
  halvings: number;
  samplesPerSide: number;
  cotangents: number;
  allowance: number;
  resolution: number;
  /** Forward evaluations the probe may spend on looking again at an ambiguous window. */
  budget: number;
}

export const DEFAULT_PROBE: ProbeSettings = {
  round: Math.fround,
  eps: 2 ** -24,
  mantissaBits: 23,
  threshold: 6,
  firstHalfWidth: 1 / 4,
  halvings: 5,
  samplesPerSide: 24,
  cotangents: 2,
  allowance: 16,
  resolution: 1e-2,
  budget: 200,
};

export type ProbeVerdict = 'agree' | 'fail' | 'nonsmooth' | 'inconclusive';

export interface ProbeComparison {
  quantity: 'vjp' | 'jvp';
  cotangent: number;
  analytic: number;
  numeric: number;
  scale: number;
  estimate?: SlopeEstimate;
  misfit?: Misfit;
  z: number;
  verdict: ProbeVerdict;
}

export interface ProbeResult {
  comparisons: ProbeComparison[];
  direction: Float64Array;
  cotangents: Float64Array[];
  gradients: Float64Array[];
  windows: number;
}

interface Sample {
  phi: Float64Array; // per cotangent
  along: Float64Array; // ⟨g_c, Δ(t)⟩ per cotangent
  drift: Float64Array; // ⟨g_c, Δ(t) − t·u⟩ per cotangent (for the jvp)
  quantisation: Float64Array;
}

export function ulpOf(x: number, mantissaBits: number): number {
  return x === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - mantissaBits);
}

/** A power of two at or below each differentiable tensor's root-mean-square, per entry. */
export function tensorScales(space: InputSpace): Float64Array {
  const scale = new Float64Array(space.size);
  space.differentiable.forEach((k, slot) => {
    const data = space.inputs[k]!.data;
    const rms = Math.sqrt(data.reduce((s, x) => s + x * x, 0) / Math.max(1, data.length));
    const s = rms > 0 && Number.isFinite(rms) ? 2 ** Math.floor(Math.log2(rms)) : 1;
    scale.fill(s, space.offsets[slot]!, space.offsets[slot]! + data.length);
  });
  return scale;
}

export function statisticalProbe(target: GuardedTarget, space: InputSpace, output: Tensor, seed: number, settings: ProbeSettings = DEFAULT_PROBE, mask?: Float64Array): ProbeResult {
  const rng = new Rng(seed);
  // a scalar output has one cotangent up to its sign: more would repeat the same test
  const cotangents = Array.from({ length: output.size === 1 ? 1 : settings.cotangents }, () => Float64Array.from({ length: output.size }, () => (rng.next() < 0.5 ? -1 : 1)));
  const gradients = cotangents.map((v) => space.join(target.vjp(space.inputs, new Tensor(v, output.shape), space.differentiable)));
  const scale = tensorScales(space);
  const g1 = gradients[0]!;
  const direction = scale.map((s, j) => (mask && mask[j] === 0 ? 0 : s * (g1[j]! > 0 ? 1 : g1[j]! < 0 ? -1 : rng.next() < 0.5 ? -1 : 1)));
  return probeAlong(target, space, output, direction, cotangents, gradients, settings);
}

export function probeAlong(
  target: GuardedTarget,
  space: InputSpace,
  output: Tensor,
  direction: Float64Array,
  cotangents: Float64Array[],
  gradients: Float64Array[],
  settings: ProbeSettings,
): ProbeResult {
  const jvp = target.target.jvp ? target.jvp(space.inputs, space.split(direction), output.shape).data : undefined;
  const samples = new Map<number, Sample>();
  const sample = (t: number): Sample => {
    const cached = samples.get(t);
    if (cached) return cached;
    const moved = [...space.inputs];
    const delta = new Float64Array(space.size);
    space.differentiable.forEach((k, slot) => {
      const x = space.inputs[k]!;
      const offset = space.offsets[slot]!;
      const data = new Float64Array(x.size);
      for (let i = 0; i < x.size; i++) {
        const d = direction[offset + i]!;
        data[i] = d === 0 ? x.data[i]! : settings.round(x.data[i]! + t * d);
        delta[offset + i] = data[i]! - x.data[i]!;
      }
      moved[k] = new Tensor(data, x.shape);
    });
    const y = t === 0 ? output.data : target.tryForward(moved, output.size);
    if (!y) throw new Error('prototype: forward undefined on the window');
    const s: Sample = {
      phi: Float64Array.from(cotangents, (v) => dotp(v, y)),
      along: Float64Array.from(gradients, (g) => dotp(g, delta)),
      drift: Float64Array.from(gradients, (g) => {
        let sum = 0;
        for (let j = 0; j < g.length; j++) sum += g[j]! * (delta[j]! - t * direction[j]!);
        return sum;
      }),
      quantisation: Float64Array.from(cotangents, (v) => {
        let q = 0;
        for (let i = 0; i < y.length; i++) q += (v[i]! * ulpOf(y[i]!, settings.mantissaBits)) ** 2;
        return q / 12;
      }),
    };
    samples.set(t, s);
    return s;
  };
  // a forward that does not move at all may be rounding at the scale of its inputs: its noise cannot be read
  const largest = space.largest;
  const flatFloor = cotangents.map((v) => v.reduce((q, vi, i) => q + (vi * ulpOf(Math.max(Math.abs(output.data[i]!), largest), settings.mantissaBits)) ** 2, 0) / 12);
  const m = settings.samplesPerSide;
  const pending = new Set(cotangents.map((_, c) => c));
  const results = new Map<number, ProbeComparison[]>();
  const judgeAll = (c: number, estimate: SlopeEstimate | undefined, misfit?: Misfit, movement?: Movement): ProbeComparison[] => {
    const v = cotangents[c]!;
    const g = gradients[c]!;
    const vjpValue = dotp(g, direction);
    const out = [judge('vjp', c, vjpValue, absDot(g, direction), estimate, misfit, movement, settings)];
    if (jvp) {
      const jvpValue = dotp(v, jvp);
      // R for the jvp differs from the vjp's by t·(⟨g, u⟩ − ⟨v, Ju⟩): a shift of the slope alone
      const shifted = estimate && { ...estimate, slope: estimate.slope + vjpValue - jvpValue };
      out.push(judge('jvp', c, jvpValue, absDot(v, jvp), shifted, misfit, movement, settings));
    }
    return out;
  };
  // a failure or a kink at 0 is believed when the next window sees it too
  const candidates = new Map<number, ProbeComparison[]>();
  let halfWidth = settings.firstHalfWidth;
  let windows = 0;
  for (let w = 0; w <= settings.halvings && pending.size > 0; w++, halfWidth /= 2) {
    windows++;
    const window = Array.from({ length: 2 * m + 1 }, (_, i) => sample(((i - m) * halfWidth) / m));
    for (const c of [...pending]) {
      const residuals = Float64Array.from(window, (s) => s.phi[c]! - s.along[c]!);
      const flat = window.every((s) => s.phi[c] === window[0]!.phi[c]);
      const rounding = Math.max(...window.map((s) => s.quantisation[c]!));
      const quantisation = Math.max(rounding, flat ? flatFloor[c]! : 0);
      const phis = window.map((s) => s.phi[c]!);
      const movement = { range: Math.max(...phis) - Math.min(...phis), quantum: Math.sqrt(12 * rounding) };
      const fit = fitWindow({ halfWidth, residuals, quantisation });
      if (!fit.adequate) {
        if (!candidates.has(c)) results.set(c, judgeAll(c, undefined, fit.misfit));
        continue;
      }
      let judged = judgeAll(c, fit.estimate, undefined, movement);
      const candidate = candidates.get(c);
      // an agreement near the threshold is looked at again with twice the samples, where the budget allows
      const ambiguous = judged.some((x) => x.verdict === 'agree' && x.z > settings.threshold / 3);
      if (!candidate && ambiguous && fit.estimate.hinges === 0 && samples.size + 2 * m <= settings.budget) {
        const dense = Array.from({ length: 4 * m + 1 }, (_, i) => sample(((i - 2 * m) * halfWidth) / (2 * m)));
        const denseFit = fitWindow({ halfWidth, residuals: Float64Array.from(dense, (s) => s.phi[c]! - s.along[c]!), quantisation });
        if (denseFit.adequate) judged = judgeAll(c, denseFit.estimate, undefined, movement);
      }
      // a window cut at kinks inside it may hold more it could not see: smaller windows are cleaner
      if (fit.estimate.hinges > 0 && w < settings.halvings) {
        if (!candidate) results.set(c, judged.map((x) => (x.verdict === 'fail' ? { ...x, verdict: 'inconclusive' } : x)));
        continue;
      }
      if (candidate) {
        const seen = candidate.map((p, i) => confirm(p, judged[i]!, settings));
        // a kink at 0 that the next window reads as a failure leaves that failure to be confirmed in turn
        if (seen.some((x) => x === 'again')) candidates.set(c, judged);
        else {
          results.set(c, seen as ProbeComparison[]);
          pending.delete(c);
        }
      } else if (judged.some((x) => x.verdict === 'fail' || x.verdict === 'nonsmooth')) candidates.set(c, judged);
      else {
        results.set(c, judged);
        pending.delete(c);
      }
    }
  }
  for (const c of pending) {
    const candidate = candidates.get(c);
    if (candidate) results.set(c, candidate.map((p) => (p.verdict === 'fail' ? { ...p, verdict: 'inconclusive' } : p)));
  }
  const comparisons = cotangents.flatMap((_, c) => results.get(c)!);
  return { comparisons, direction, cotangents, gradients, windows };
}

/**
 * A window's verdict, seen again by the next (smaller) window: a failure must persist (the same
 * sign, half the significance), a kink at 0 too; 'again' when the next window sees a failure
 * where this one saw a kink.
 */
function confirm(previous: ProbeComparison, next: ProbeComparison, settings: ProbeSettings): ProbeComparison | 'again' {
  const sameSign = Math.sign(next.numeric - next.analytic) === Math.sign(previous.numeric - previous.analytic);
  if (previous.verdict === 'fail') return next.verdict === 'fail' || (next.z > settings.threshold / 2 && sameSign) ? previous : { ...previous, verdict: 'inconclusive' };
  if (previous.verdict === 'nonsmooth') return next.verdict === 'fail' ? 'again' : next;
  return previous;
}

/** How far φ moved across a window, and the unit in the last place of its outputs there. */
interface Movement {
  range: number;
  quantum: number;
}

/**
 * A forward that moves by fewer units in its last place than this across a window, where the
 * derivative also says it should, rounds to a few levels there (a softmax probability of 1e-7
 * added into a sum of 1): its rounding is no longer noise, and no disagreement is believed.
 */
const FEWEST_LEVELS = 16;

function judge(
  quantity: 'vjp' | 'jvp',
  cotangent: number,
  analytic: number,
  scale: number,
  estimate: SlopeEstimate | undefined,
  misfit: Misfit | undefined,
  movement: Movement | undefined,
  settings: ProbeSettings,
): ProbeComparison {
  const base = { quantity, cotangent, analytic, scale };
  if (!estimate) return { ...base, numeric: NaN, ...(misfit ? { misfit } : {}), z: 0, verdict: 'inconclusive' };
  const allowance = settings.allowance * settings.eps * scale;
  const excess = Math.abs(estimate.slope) - allowance;
  const z = estimate.se > 0 ? excess / estimate.se : excess > 0 ? Infinity : 0;
  let verdict: ProbeVerdict;
  if (estimate.kinkSe > 0) {
    // one-sided slopes slope ∓ kink: the analytic value is between them when |slope| ≤ |kink|
    const outside = (Math.abs(estimate.slope) - Math.abs(estimate.kink) - allowance) / Math.hypot(estimate.se, estimate.kinkSe);
    verdict = outside > settings.threshold ? 'fail' : 'nonsmooth';
  } else if (z > settings.threshold) {
    const levels = movement && Math.max(movement.range, Math.abs(analytic) * 2 * estimate.halfWidth) / movement.quantum;
    verdict = levels !== undefined && levels < FEWEST_LEVELS ? 'inconclusive' : 'fail';
  } else verdict = Math.abs(estimate.slope) > settings.resolution * scale ? 'inconclusive' : 'agree';
  return { ...base, numeric: analytic + estimate.slope, estimate, z, verdict };
}

function dotp(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! * b[i]!);
  return s;
}

/**
 * PROTOTYPE: the entries behind a failing probe, by the same test along parts of its direction —
 * every entry for small inputs, bisection of the direction's support for large ones (following
 * every half that fails, or the more significant one when neither does).
 */
export function localiseProbe(
  target: GuardedTarget,
  space: InputSpace,
  output: Tensor,
  direction: Float64Array,
  cotangent: Float64Array,
  gradient: Float64Array,
  settings: ProbeSettings,
  entrywiseLimit = 32,
  limit = 8,
): number[] {
  const one = { ...settings, cotangents: 1 };
  const along = (lo: number, hi: number) => {
    const part = direction.map((d, i) => (i >= lo && i < hi ? d : 0));
    const vjp = probeAlong(target, space, output, part, [cotangent], [gradient], one).comparisons[0]!;
    return vjp;
  };
  const found: number[] = [];
  if (space.size <= entrywiseLimit) {
    for (let j = 0; j < space.size && found.length < limit; j++) if (direction[j] !== 0 && along(j, j + 1).verdict === 'fail') found.push(j);
    return found;
  }
  const pending: [number, number][] = [[0, space.size]];
  while (pending.length > 0 && found.length < limit) {
    const [lo, hi] = pending.pop()!;
    const mid = (lo + hi) >> 1;
    const halves = ([[lo, mid], [mid, hi]] as const).map(([a, b]) => ({ a, b, c: along(a, b) }));
    for (const h of halves) if (h.b - h.a === 1 && h.c.verdict === 'fail') found.push(h.a);
    const open = halves.filter((h) => h.b - h.a > 1);
    const failing = open.filter((h) => h.c.verdict === 'fail');
    const next = failing.length > 0 ? failing : halves.every((h) => h.c.verdict !== 'fail') && open.length > 0 ? [open.reduce((x, y) => (y.c.z > x.c.z ? y : x))] : [];
    for (const h of next.reverse()) pending.push([h.a, h.b]);
  }
  return found;
}
