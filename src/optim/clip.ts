import { Tensor } from '../tensor/index.js';
import type { Params } from '../zoo/index.js';

/** ‖g‖ over every parameter at once: the square root of the sum of all squared entries. */
export function globalNorm(grads: Params): number {
  let total = 0;
  for (const g of Object.values(grads)) for (const v of g.data) total += v * v;
  return Math.sqrt(total);
}

/**
 * Global gradient-norm clipping (Pascanu, Mikolov & Bengio 2013): when ‖g‖ > maxNorm, every
 * gradient is scaled by the same factor maxNorm / ‖g‖, so the step keeps its direction and only
 * its length is capped — the answer to exploding gradients. Below the threshold the gradients are
 * returned as they are. Pure: the inputs are not written.
 */
export function clipByGlobalNorm(grads: Params, maxNorm: number): Params {
  if (!(maxNorm > 0)) throw new RangeError(`clipByGlobalNorm: expected a positive maxNorm, got ${maxNorm}`);
  const norm = globalNorm(grads);
  if (norm <= maxNorm) return grads;
  const scale = maxNorm / norm;
  return mapParams(grads, (g) => new Tensor(g.data.map((v) => v * scale), g.shape));
}

/** The parameters with `f` applied to each, names kept. */
export function mapParams(params: Params, f: (value: Tensor, name: string) => Tensor): Params {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, f(value, name)]));
}
