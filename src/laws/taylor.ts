import { ContractError, type Differentiable, exactStepDirection, randomProbe } from '../check/index.js';
import { Rng, Tensor } from '../tensor/index.js';
import type { Case } from './cases.js';
import { defineLaw } from './law.js';
import { fixedInputs, pairing, randomTangents } from './probes.js';
import { flatPairing, hessianTimes, secondOrderCase } from './second-order.js';
import { LawViolation } from './violation.js';

/**
 * The first-order Taylor remainder r(h) = |φ(h) − φ(0) − h·φ′(0)| of φ(h) = ⟨v, f(x + h·d)⟩, with
 * φ′(0) from the vjp, shrinks quadratically: halving h divides it by 4. A wrong derivative leaves a
 * linear term, and the ratio falls to 2 as h → 0. Needs no tolerance: only the ratio at the
 * smallest steps whose remainder still stands above rounding is judged.
 */
export const taylorRemainder = defineLaw('taylorRemainder', (c, seed, _options, target) => remainderShrinks('taylorRemainder', c, target, seed, 1));

/**
 * The second-order remainder |φ(h) − φ(0) − h·φ′(0) − ½h²·φ″(0)|, with φ″(0) = ⟨d, H d⟩ from the
 * target's second-order rule, shrinks cubically: halving h divides it by 8. A wrong second
 * derivative leaves a quadratic term, and the ratio falls to 4.
 */
export const secondOrderTaylorRemainder = defineLaw('secondOrderTaylorRemainder', (c, seed, _options, target) => remainderShrinks('secondOrderTaylorRemainder', c, target, seed, 2));

/** `target` is the case's, validated: see LawBody. */
function remainderShrinks(law: string, c: Case, target: Differentiable, seed: number, order: 1 | 2): void {
  const { inputs } = c;
  const rng = new Rng(seed);
  const second = order === 2 ? secondOrderCase(law, c, target, rng) : undefined;
  const output = target.forward(inputs);
  const v = second ? second.inputs[inputs.length]! : randomProbe(rng, output.shape);
  const fixed = fixedInputs(target);
  const d = randomTangents(target, inputs, rng).map((u, k) =>
    new Tensor(u.data.map((x, i) => {
      const xi = inputs[k]!.data[i]!;
      return x === 0 ? 0 : exactStepDirection(xi, x * Math.min(1, Math.abs(xi) || 1), SMALLEST_STEP);
    }), u.shape));
  const slope = pairing(target.vjp(inputs, v), d, fixed);
  const flatD = Float64Array.from(d.flatMap((t, k) => (fixed.has(k) ? [] : [...t.data])));
  const curvature = second ? flatPairing(target, flatD, hessianTimes(second, flatD, inputs.length)) : { value: 0, scale: 0 };
  const phi0 = pairing([v], [output]);

  const steps: Step[] = [];
  for (let h = 0.5; h >= SMALLEST_STEP; h /= 2) {
    const moved = inputs.map((x, k) => (fixed.has(k) ? x : new Tensor(x.data.map((xi, i) => xi + h * d[k]!.data[i]!), x.shape)));
    let phi: { value: number; scale: number };
    try {
      phi = pairing([v], [target.forward(moved)]);
    } catch (error) {
      // outside the domain at this step; a broken contract is reported
      if (error instanceof ContractError && error.problem !== 'throws') throw error;
      continue;
    }
    const r = Math.abs(phi.value - phi0.value - h * slope.value - 0.5 * h * h * curvature.value);
    // the terms' sizes before their sums cancelled: ⟨d, H d⟩ of nearly equal d's is far smaller
    const size = phi.scale + phi0.scale + h * slope.scale + 0.5 * h * h * curvature.scale;
    if (Number.isFinite(r)) steps.push({ h, r, size });
  }
  const floor = roundingFloor(steps);
  const rate = 2 ** (order + 1);
  const end = steps.findLastIndex((s) => s.r > floor(s));
  if (end < 0) return; // the remainder is rounding at every step: nothing to judge
  const next = steps[end + 1];
  // A remainder that falls from far above rounding to below it in one halving shrinks faster than
  // any power of h: the function is piecewise polynomial here (a kink crossed at the larger steps,
  // max's winner changing) and exact past it, so the larger steps say nothing about the derivative.
  if (next !== undefined && next.h * 2 === steps[end]!.h && steps[end]!.r > 8 * rate * floor(steps[end]!)) return;
  const above = steps.slice(0, end + 1).filter((s) => s.r > floor(s));
  const ratios = above.slice(1).map((s, k) => ({ h: s.h, ratio: above[k]!.h === 2 * s.h ? above[k]!.r / s.r : NaN })).filter((x) => !Number.isNaN(x.ratio));
  const last = ratios[ratios.length - 1];
  // 2^(order + 1) per halving when right, 2^order when the order-th derivative is wrong: judged between
  if (last && last.ratio < 0.75 * rate) {
    const trail = ratios.slice(-4).map((x) => `h=${x.h.toExponential(1)}: ${x.ratio.toFixed(2)}`).join(', ');
    const [shrinks, should, derivative] = order === 1 ? ['linearly', 'quadratically', 'derivative'] : ['quadratically', 'cubically', 'second derivative'];
    const off = (above[above.length - 1]!.r / last.h ** order) * (order === 2 ? 2 : 1);
    throw new LawViolation(law, c, `the remainder shrinks ${shrinks}, not ${should} (ratios r(2h)/r(h): ${trail}): the ${derivative} along a random direction is off by about ${off.toExponential(2)}`);
  }
}

/** A step, its remainder, and the size of the terms the remainder is the difference of. */
interface Step {
  h: number;
  r: number;
  size: number;
}

/** The directions are rounded so that every step down to this one moves the inputs exactly. */
const SMALLEST_STEP = 2 ** -39;

/** Steps this small leave Taylor terms far below rounding (h³ < 10⁻²⁷), so what remains there is the forward's own noise. */
const NOISE_STEP = 2 ** -30;

/**
 * The remainder below which a step's ratio says nothing: 64 times the rounding at that step — the
 * forward's own, measured as the largest remainder at the smallest steps, or the last bits of the
 * terms the remainder is the difference of (φ(h), φ(0), the slope's and the curvature's terms),
 * whichever is larger. Measured, not assumed: a fixed multiple of an ulp is too coarse for a
 * forward that rounds little — it cuts off the small steps, leaving only the larger ones, where a
 * remainder can still be changing sign between its higher-order terms — and too fine for one that
 * rounds a lot. Per step, because rounding grows with the terms: where φ(0) and the slope are 0
 * (a square at its minimum) the small steps measure nothing, and a quadratic's exact remainder
 * leaves its terms' rounding, 2ε·h², to shrink 4× per halving. At 64 times, rounding moves a
 * ratio by under 5%.
 */
function roundingFloor(steps: readonly Step[]): (step: Step) => number {
  const noise = steps.filter((s) => s.h <= NOISE_STEP).reduce((worst, s) => Math.max(worst, s.r), 0);
  return (step) => 64 * Math.max(noise, 2 ** -53 * step.size);
}
