import fc, { type Arbitrary } from 'fast-check';
import type { Domain } from '../ops/domain.js';
import type { Tensor } from '../tensor/index.js';
import { type DrawOptions, fastCheckDraw } from './draw.js';

/** How opInputs draws a domain's inputs. */
export type OpInputsOptions = DrawOptions;

/**
 * Valid calls of an op, drawn by its domain; a failing call shrinks draw by draw. The domain draws
 * while the call is generated, not inside the property, so a failure replays from its seed and path.
 */
export function opInputs<A>(domain: Domain<A>, options: OpInputsOptions = {}): Arbitrary<{ inputs: Tensor[]; attrs: A }> {
  return fc.gen().map((g) => domain.sample(fastCheckDraw(g, options)));
}
