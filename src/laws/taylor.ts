import { ContractError, randomProbe } from '../check/index.js';
import { Rng, Tensor } from '../tensor/index.js';
import { defineLaw } from './law.js';
import { fixedInputs, pairing, randomTangents } from './probes.js';
import { LawViolation } from './violation.js';

/**
 * The first-order Taylor remainder r(h) = |φ(h) − φ(0) − h·φ′(0)| of φ(h) = ⟨v, f(x + h·d)⟩, with
 * φ′(0) from the vjp, shrinks quadratically: halving h divides it by 4. A wrong derivative leaves a
 * linear term, and the ratio falls to 2 as h → 0. Needs no tolerance: only the ratio at the
 * smallest steps whose remainder still stands above rounding is judged.
 */
export const taylorRemainder = defineLaw('taylorRemainder', (c, seed, _options, target) => {
  const { inputs } = c;
  const rng = new Rng(seed);
  const output = target.forward(inputs);
  const v = randomProbe(rng, output.shape);
  const fixed = fixedInputs(target);
  const d = randomTangents(target, inputs, rng).map((u, k) =>
    new Tensor(u.data.map((x, i) => x * Math.min(1, Math.abs(inputs[k]!.data[i]!) || 1)), u.shape));
  const slope = pairing(target.vjp(inputs, v), d, fixed).value;
  const phi0 = pairing([v], [output]);
  const floor = 2 ** -53 * 1e4 * phi0.scale;

  const steps: { h: number; r: number }[] = [];
  for (let h = 0.5; h > 2 ** -40; h /= 2) {
    const moved = inputs.map((x, k) => (fixed.has(k) ? x : new Tensor(x.data.map((xi, i) => xi + h * d[k]!.data[i]!), x.shape)));
    let phi: number;
    try {
      phi = pairing([v], [target.forward(moved)]).value;
    } catch (error) {
      // outside the domain at this step; a broken contract is reported
      if (error instanceof ContractError && error.problem !== 'throws') throw error;
      continue;
    }
    const r = Math.abs(phi - phi0.value - h * slope);
    if (Number.isFinite(r) && r > floor) steps.push({ h, r });
  }
  const ratios = steps.slice(1).map((s, k) => ({ h: s.h, ratio: steps[k]!.h === 2 * s.h ? steps[k]!.r / s.r : NaN })).filter((x) => !Number.isNaN(x.ratio));
  const last = ratios[ratios.length - 1];
  if (last && last.ratio < 3) {
    const trail = ratios.slice(-4).map((x) => `h=${x.h.toExponential(1)}: ${x.ratio.toFixed(2)}`).join(', ');
    throw new LawViolation('taylorRemainder', c, `the remainder shrinks linearly, not quadratically (ratios r(2h)/r(h): ${trail}): the derivative along a random direction is off by about ${(steps[steps.length - 1]!.r / last.h).toExponential(2)}`);
  }
});
