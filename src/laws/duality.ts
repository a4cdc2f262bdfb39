import { randomProbe, roundingTolerance } from '../check/index.js';
import { Rng } from '../tensor/index.js';
import { defineLaw } from './law.js';
import { fixedInputs, pairing, randomTangents } from './probes.js';
import { LawViolation } from './violation.js';

/** ⟨v, jvp(u)⟩ = ⟨vjp(v), u⟩ for random u and v, to rounding: forward and reverse mode are one derivative. */
export const jvpMatchesVjp = defineLaw('jvpMatchesVjp', (c, seed, _options, target) => {
  const { inputs } = c;
  if (!target.jvp) throw new LawViolation('jvpMatchesVjp', c, 'the target has no jvp');
  const rng = new Rng(seed);
  const v = randomProbe(rng, target.forward(inputs).shape);
  const u = randomTangents(target, inputs, rng);
  const forward = pairing([v], [target.jvp(inputs, u)]);
  const reverse = pairing(target.vjp(inputs, v), u, fixedInputs(target));
  const gap = Math.abs(forward.value - reverse.value);
  const tolerance = roundingTolerance(forward.scale + reverse.scale);
  if (!(gap <= tolerance)) {
    throw new LawViolation('jvpMatchesVjp', c, `⟨v, jvp(u)⟩ = ${forward.value} but ⟨vjp(v), u⟩ = ${reverse.value} (gap ${gap.toExponential(2)}, rounding allows ${tolerance.toExponential(2)})`);
  }
});
