import type { NumericDerivative } from './compare.js';
import type { Settings } from './options.js';
import { type Derivatives, type Estimate, type Sampler, differentiate } from './richardson.js';
import { ContractError, type GuardedTarget } from './target.js';
import { type InputSpace, absDot, dot } from './space.js';

/** Finite-difference derivatives of every output entry along a direction in input space, from φ sampled by `phi` (`typical`: see Context.typical; `confirm`: see differentiate). */
export function alongDirection(
  target: GuardedTarget,
  space: InputSpace,
  phi: Sampler,
  direction: Float64Array,
  base: Float64Array,
  settings: Settings,
  typical: Float64Array,
  confirm?: Derivatives,
): Derivatives {
  const ladder = { first: settings.step, levels: settings.levels, smallest: settings.smallestStep, exact: settings.exactStep };
  const derivatives = differentiate(phi, base, ladder, settings.eps, { input: space.largest, backward: space.backward(direction, typical) }, confirm);
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
  const pick = (a: Float64Array) => (typeof cotangent === 'number' ? a[cotangent]! : dot(cotangent, a));
  const size = (a: Float64Array) => (typeof cotangent === 'number' ? Math.abs(a[cotangent]!) : absDot(cotangent, a));
  // rounding in φ, amplified by the step each estimate was taken at
  const amplified = (e: Estimate) =>
    typeof cotangent === 'number' ? d.rounding[cotangent]! / e.step[cotangent]! : absDot(cotangent, d.rounding.map((r, i) => r / e.step[i]!));
  return {
    central: pick(d.central.value),
    error: size(d.central.error),
    rounding: amplified(d.central),
    left: pick(d.left.value),
    right: pick(d.right.value),
    sidedError: size(d.left.error) + size(d.right.error),
    sidedRounding: amplified(d.left) + amplified(d.right),
    secant: size(d.secant),
    rough: (typeof cotangent === 'number' ? d.rough[cotangent]! > 0 : d.rough.some((r, i) => r > 0 && cotangent[i] !== 0)),
    limit: size(d.limit),
    crisp: d.crisp,
    // a tread only where every weighted component is flat: one that moves shows the change
    tread: (typeof cotangent === 'number' ? [cotangent] : [...cotangent.keys()].filter((i) => cotangent[i] !== 0)).every((i) => d.tread[i]! > 0) ? size(d.tread) : 0,
    jump: pick(d.jump.value),
    jumpError: size(d.jump.error),
    noise: size(d.rounding),
    besideLeft: pick(d.beside.left.value),
    besideRight: pick(d.beside.right.value),
    besideError: size(d.beside.left.error) + size(d.beside.right.error),
    besideRounding: amplified(d.beside.left) + amplified(d.beside.right),
  };
}
