import { randomProbe } from '../check/index.js';
import { Rng, Tensor } from '../tensor/index.js';
import type { Case } from './cases.js';
import { defineLaw } from './law.js';
import { fixedInputs } from './probes.js';
import { LawViolation } from './violation.js';

/**
 * forward and vjp leave their arguments untouched, give bit-identical results when called again,
 * and return new tensors: a result is not a buffer the next call, at another input or cotangent,
 * overwrites. (The validated target names mutation and reused buffers; determinism is seen here.)
 */
export const isPure = defineLaw('isPure', (c, seed, _options, target) => {
  const { inputs } = c;
  const rng = new Rng(seed);
  const fixed = fixedInputs(target);
  const output = target.forward(inputs);
  sameBits(c, 'forward', [output], [target.forward(inputs)], new Set());
  target.forward(inputs.map((x, k) => (fixed.has(k) ? x : nudged(x))));
  const v = randomProbe(rng, output.shape);
  sameBits(c, 'vjp', target.vjp(inputs, v), target.vjp(inputs, v), fixed);
  target.vjp(inputs, randomProbe(rng, output.shape));
});

/** The tensor moved in its last bits: another input, as near as can be to the first. */
function nudged(x: Tensor): Tensor {
  return new Tensor(x.data.map((v) => v * (1 + 2 ** -20) + (v === 0 ? 2 ** -40 : 0)), x.shape);
}

function sameBits(c: Case, what: string, first: readonly Tensor[], second: readonly Tensor[], skip: ReadonlySet<number>): void {
  first.forEach((t, k) => {
    if (skip.has(k)) return;
    const i = t.data.findIndex((x, j) => !Object.is(x, second[k]!.data[j]));
    if (i >= 0) {
      throw new LawViolation('isPure', c, `${what} is not deterministic: result ${k} at flat index ${i} was ${t.data[i]}, then ${second[k]!.data[i]}`);
    }
  });
}
