import { randomProbe } from '../check/index.js';
import { Rng, type Tensor } from '../tensor/index.js';
import type { Case } from './cases.js';
import { defineLaw } from './law.js';
import { LawViolation } from './violation.js';

/** forward and vjp leave their arguments untouched and give bit-identical results when called again. */
export const isPure = defineLaw('isPure', (c, seed) => {
  const { target, inputs } = c;
  const rng = new Rng(seed);
  const untouched = (what: string, tensors: readonly Tensor[], run: () => Tensor[]): Tensor[] => {
    const before = tensors.map((t) => t.data.slice());
    const first = run();
    tensors.forEach((t, k) => {
      const i = t.data.findIndex((x, j) => !Object.is(x, before[k]![j]));
      if (i >= 0) throw new LawViolation('isPure', c, `${what} mutated argument ${k} at flat index ${i}`);
    });
    sameBits(c, what, first, run());
    return first;
  };
  const [output] = untouched('forward', inputs, () => [target.forward(inputs)]);
  const v = randomProbe(rng, output!.shape);
  untouched('vjp', [...inputs, v], () => target.vjp(inputs, v));
});

function sameBits(c: Case, what: string, first: readonly Tensor[], second: readonly Tensor[]): void {
  first.forEach((t, k) => {
    const i = t.data.findIndex((x, j) => !Object.is(x, second[k]?.data[j]));
    if (i >= 0) {
      throw new LawViolation('isPure', c, `${what} is not deterministic: result ${k} at flat index ${i} was ${t.data[i]}, then ${second[k]?.data[i]}`);
    }
  });
}
