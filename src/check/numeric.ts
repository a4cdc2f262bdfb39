import type { NumericDerivative } from './compare.js';
import type { Settings } from './options.js';
import { type Derivatives, type Estimate, type Projections, type Sampler, differentiate, rerunsAlong } from './richardson.js';
import { ContractError, type GuardedTarget } from './target.js';
import { type InputSpace, absDot, dot } from './space.js';

/** Finite-difference derivatives along a direction in input space of every output entry — or of projections of the output, with their sizes — from φ sampled by `phi` (`typical`, `measured`: see Context; `confirm`: see differentiate). */
export function alongDirection(
  target: GuardedTarget,
  space: InputSpace,
  phi: Sampler,
  direction: Float64Array,
  base: Float64Array,
  settings: Settings,
  typical: Float64Array,
  measured: number,
  confirm?: Derivatives,
  projections?: Projections,
): Derivatives {
  const ladder = { first: settings.step, levels: settings.levels, smallest: settings.smallestStep, exact: settings.exactStep, reruns: () => rerunsAlong(direction) };
  const sizes = { input: space.largest, backward: space.backward(direction, typical), measured, ...(projections ? { projections } : {}) };
  const derivatives = differentiate(phi, base, ladder, settings.eps, sizes, confirm);
  if (!derivatives) {
    throw new ContractError(
      'non-finite-output',
      `${target.name}: no finite difference can be taken — at every step size near the input, on one side at least, ` +
        `${target.lastFailure}. ${space.idsHint()}If the input is on the boundary of the domain (sqrt or log at 0), move it inside.`,
    );
  }
  return derivatives;
}

/** One derivative from the vector ones: an output entry's, or the projection on a cotangent. */
export function numericOf(d: Derivatives, cotangent: Float64Array | number): NumericDerivative {
  const entry = typeof cotangent === 'number';
  const pick = (a: Float64Array) => (entry ? a[cotangent]! : dot(cotangent, a));
  const size = (a: Float64Array) => (entry ? Math.abs(a[cotangent]!) : absDot(cotangent, a));
  // rounding in φ, amplified by the step each estimate was taken at
  const amplified = (e: Estimate) => (entry ? d.rounding[cotangent]! / e.step[cotangent]! : amplifiedRounding(cotangent, d.rounding, e.step));
  return {
    central: pick(d.central.value),
    error: size(d.central.error),
    rounding: amplified(d.central),
    left: pick(d.left.value),
    right: pick(d.right.value),
    sidedError: size(d.left.error) + size(d.right.error),
    sidedRounding: amplified(d.left) + amplified(d.right),
    secant: size(d.secant),
    rough: entry ? d.rough[cotangent]! > 0 : weighted(cotangent, d.rough, (r) => r > 0, 'some'),
    limit: size(d.limit),
    crisp: d.crisp,
    contested: entry ? d.contested[cotangent]! > 0 : weighted(cotangent, d.contested, (c) => c > 0, 'some'),
    // a tread only where every weighted component is flat: one that moves shows the change
    tread: (entry ? d.tread[cotangent]! > 0 : weighted(cotangent, d.tread, (t) => t > 0, 'every')) ? size(d.tread) : 0,
    jump: pick(d.jump.value),
    jumpError: size(d.jump.error),
    noise: size(d.rounding),
    besideLeft: pick(d.beside.left.value),
    besideRight: pick(d.beside.right.value),
    besideError: size(d.beside.left.error) + size(d.beside.right.error),
    besideRounding: amplified(d.beside.left) + amplified(d.beside.right),
  };
}

/** Σ|v_i|·rounding_i / step_i, summed in order (as absDot sums), without an array of the quotients. */
function amplifiedRounding(v: Float64Array, rounding: Float64Array, step: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += Math.abs(v[i]! * (rounding[i]! / step[i]!));
  return sum;
}

/** Whether some (or every) component the cotangent weighs satisfies `test`. */
function weighted(v: Float64Array, values: ArrayLike<number>, test: (x: number) => boolean, quantifier: 'some' | 'every'): boolean {
  const some = quantifier === 'some';
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && test(values[i]!) === some) return some;
  return !some;
}
