import { Tensor } from '../tensor/index.js';
import { defineLaw } from './law.js';
import { fixedInputs, pairing } from './probes.js';
import { LawViolation } from './violation.js';

/**
 * Gradient descent works: for a scalar loss L and its gradient g (the vjp of 1), the ratio
 * (L(θ) − L(θ − ηg)) / (η‖g‖²) tends to 1 as η → 0, and a small step strictly lowers L whenever
 * g ≠ 0. A gradient off by a factor, a sign, or a missing term converges to another ratio.
 */
export const sgdStepDescends = defineLaw('sgdStepDescends', (c, _seed, _options, target) => {
  const { inputs } = c;
  const loss = (xs: readonly Tensor[]) => target.forward(xs);
  const before = loss(inputs);
  if (before.size !== 1) throw new LawViolation('sgdStepDescends', c, `needs a scalar loss, but forward gives shape [${before.shape.join(', ')}]`);
  const fixed = fixedInputs(target);
  const g = target.vjp(inputs, new Tensor(Float64Array.of(1), before.shape));
  const { value: squared } = pairing(g, g, fixed);
  if (squared === 0) return;
  const norm = Math.sqrt(pairing(inputs, inputs, fixed).value);
  const L0 = before.item();

  const trail: string[] = [];
  for (let eta = (0.1 * Math.max(norm, 1)) / Math.sqrt(squared), k = 0; k < 40; eta /= 2, k++) {
    const stepped = inputs.map((x, j) => (fixed.has(j) ? x : new Tensor(x.data.map((xi, i) => xi - eta * g[j]!.data[i]!), x.shape)));
    const drop = L0 - loss(stepped).item();
    if (Math.abs(drop) < 1e4 * 2 ** -53 * Math.abs(L0)) break; // below rounding: the ratio means nothing
    const ratio = drop / (eta * squared);
    trail.push(`η=${eta.toExponential(1)}: ${ratio.toFixed(4)}`);
    if (drop > 0 && Math.abs(ratio - 1) < 0.01) return;
  }
  throw new LawViolation('sgdStepDescends', c, `(L(θ) − L(θ − ηg)) / (η‖g‖²) does not tend to 1 (${trail.slice(-4).join(', ')}): g is not the gradient of L`);
});
