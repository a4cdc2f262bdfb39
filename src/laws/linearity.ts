import { randomProbe, roundingTolerance } from '../check/index.js';
import { Rng } from '../tensor/index.js';
import { Tensor } from '../tensor/index.js';
import { defineLaw } from './law.js';
import { fixedInputs } from './probes.js';
import { LawViolation } from './violation.js';

/** vjp(a·v1 + b·v2) = a·vjp(v1) + b·vjp(v2): a backward that depends on its cotangent nonlinearly is wrong. */
export const vjpIsLinear = defineLaw('vjpIsLinear', (c, seed, _options, target) => {
  const { inputs } = c;
  const rng = new Rng(seed);
  const shape = target.forward(inputs).shape;
  const [v1, v2] = [randomProbe(rng, shape), randomProbe(rng, shape)];
  const [a, b] = [rng.uniform(-2, 2), rng.uniform(-2, 2)];
  const mixed = new Tensor(v1.data.map((x, i) => a * x + b * v2.data[i]!), shape);
  const [g1, g2, g] = [target.vjp(inputs, v1), target.vjp(inputs, v2), target.vjp(inputs, mixed)];
  const fixed = fixedInputs(target);
  g.forEach((gk, k) => {
    if (fixed.has(k)) return;
    gk.data.forEach((value, i) => {
      const x = g1[k]!.data[i]!;
      const y = g2[k]!.data[i]!;
      const expected = a * x + b * y;
      const tolerance = roundingTolerance(Math.abs(a * x) + Math.abs(b * y) + Math.abs(value));
      if (!(Math.abs(value - expected) <= tolerance)) {
        throw new LawViolation('vjpIsLinear', c, `input ${k} flat index ${i}: vjp(a·v1 + b·v2) = ${value}, a·vjp(v1) + b·vjp(v2) = ${expected} (a = ${a}, b = ${b})`);
      }
    });
  });
});
