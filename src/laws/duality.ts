import { type Differentiable, randomProbe, roundingTolerance } from '../check/index.js';
import { Rng } from '../tensor/index.js';
import type { Case } from './cases.js';
import { defineLaw } from './law.js';
import { fixedInputs, pairing, randomTangents } from './probes.js';
import { secondOrderCase } from './second-order.js';
import { LawViolation } from './violation.js';

/** ⟨v, jvp(u)⟩ = ⟨vjp(v), u⟩ for random u and v, to rounding: forward and reverse mode are one derivative. */
export const jvpMatchesVjp = defineLaw('jvpMatchesVjp', (c, seed, _options, target) => dual('jvpMatchesVjp', c, target, new Rng(seed), ['jvp', 'vjp']));

/**
 * Forward over reverse equals reverse over reverse: the second-order rule's jvp (the jvp of the vjp)
 * and its vjp (the vjp of the vjp) are one second derivative, ⟨w, H u⟩ both ways, to rounding.
 */
export const forwardOverReverseMatchesReverseOverReverse = defineLaw('forwardOverReverseMatchesReverseOverReverse', (c, seed, _options, target) => {
  const law = 'forwardOverReverseMatchesReverseOverReverse';
  const rng = new Rng(seed);
  const second = secondOrderCase(law, c, target, rng);
  dual(law, second, second.target, rng, ['forward over reverse', 'reverse over reverse']);
});

/** `target` is the case's, validated: see LawBody. */
function dual(law: string, c: Case, target: Differentiable, rng: Rng, [forwardName, reverseName]: [string, string]): void {
  const { inputs } = c;
  if (!target.jvp) throw new LawViolation(law, c, 'the target has no jvp');
  const v = randomProbe(rng, target.forward(inputs).shape);
  const u = randomTangents(target, inputs, rng);
  const forward = pairing([v], [target.jvp(inputs, u)]);
  const reverse = pairing(target.vjp(inputs, v), u, fixedInputs(target));
  const gap = Math.abs(forward.value - reverse.value);
  const tolerance = roundingTolerance(forward.scale + reverse.scale);
  if (!(gap <= tolerance)) {
    const values = `⟨v, ${forwardName}(u)⟩ = ${forward.value} but ⟨${reverseName}(v), u⟩ = ${reverse.value}`;
    throw new LawViolation(law, c, `${values} (gap ${gap.toExponential(2)}, rounding allows ${tolerance.toExponential(2)})`);
  }
}
