/**
 * The same layer normalisation with a realistic backward bug: the gradient through the variance
 * is dropped (σ treated as a constant), so dx misses −x̂·mean(dx̂ ⊙ x̂). Forward and jvp are right;
 * `npx gradprop check examples/layernorm-buggy.ts` fails and names the wrong entries of x.
 */
import { defineOp } from 'gradprop';
import { layerNorm, layerNormBackward } from './layernorm.js';

export const layerNormWithoutVarianceGradient = defineOp({
  ...layerNorm.spec,
  name: 'layerNorm (σ treated as constant)',
  vjp: (inputs, _y, dy) => layerNormBackward(inputs, dy, false),
});
