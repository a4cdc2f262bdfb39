import fc, { type GeneratorValue } from 'fast-check';
import type { Draw, ShapeSpec, ValueSpec } from '../ops/domain.js';
import { broadcastShapes } from './broadcast-shapes.js';
import { ids } from './ids.js';
import type { RealSpec } from './reals.js';
import { resolveShapeSpec, shape } from './shape.js';
import { tensorOf } from './tensor.js';

/** How a domain's inputs are drawn: shape caps, the margin around kinks, values at kinks and edge values. */
export interface DrawOptions {
  /** Caps on the shapes a domain asks for (a domain's minima still win): keep finite differences cheap. */
  shape?: Pick<ShapeSpec, 'maxRank' | 'maxSide'>;
  kinkMargin?: RealSpec['kinkMargin'];
  atKinks?: RealSpec['atKinks'];
  edges?: RealSpec['edges'];
}

/**
 * A domain's `Draw`, answered by fast-check's `gen`: every draw is recorded and shrinks with the
 * arbitrary that made it, and draws that depend on a shrunk one are made again.
 */
export function fastCheckDraw(g: GeneratorValue, options: DrawOptions = {}): Draw {
  const capped = (spec?: ShapeSpec): Required<ShapeSpec> => {
    const { minRank, maxRank, minSide, maxSide } = resolveShapeSpec(spec);
    return {
      minRank,
      maxRank: Math.max(minRank, Math.min(maxRank, options.shape?.maxRank ?? Infinity)),
      minSide,
      maxSide: Math.max(minSide, Math.min(maxSide, options.shape?.maxSide ?? Infinity)),
    };
  };
  const values = (spec: ValueSpec = {}): RealSpec => ({
    ...spec,
    kinkMargin: options.kinkMargin,
    atKinks: options.atKinks,
    edges: options.edges,
  });
  // copies, so that a domain that edits what it drew cannot edit gen's record of it
  return {
    shape: (spec) => [...g(shape, capped(spec))],
    broadcastShapes: (count, spec) => g(broadcastShapes, count, capped(spec)).map((s) => [...s]),
    tensor: (s, spec) => g(tensorOf, [...s], values(spec)),
    ids: (s, upTo) => g(ids, [...s], upTo),
    int: (min, max) => g(fc.integer, { min, max }),
    boolean: () => g(fc.boolean),
    pick: (choices) => g(fc.constantFrom, ...choices),
  };
}
