import type { Shape, Tensor } from '../tensor/index.js';

/**
 * Where an op is defined, as a recipe that draws valid inputs. The recipe is written against
 * `Draw`, not against fast-check, so ops stay free of any testing library; `gradprop/arbitraries`
 * implements `Draw` with shrinkable fast-check arbitraries, and a seeded sampler can implement it too.
 */
export interface Domain<A = undefined> {
  /** Draw one valid call: tensors of related shapes and values, and the op's attributes. */
  sample(draw: Draw): { inputs: Tensor[]; attrs: A };
  /** Inputs that are not differentiated: integer ids, class targets. */
  nondifferentiable?: readonly number[];
  /** Values of an input where the op is not differentiable (relu and abs at 0). */
  kinks?: readonly { input: number; at: number }[];
}

/** Bounds on a drawn shape: its rank and the length of each side. */
export interface ShapeSpec {
  minRank?: number;
  maxRank?: number;
  minSide?: number;
  maxSide?: number;
}

/** Bounds on drawn values, and values to keep away from. */
export interface ValueSpec {
  min?: number;
  max?: number;
  /** Values to keep away from (kinks, poles); the distance is the Draw's kink margin. */
  avoid?: readonly number[];
}

/** The draws a domain's sample makes: shapes, tensors, ids and choices, each shrinkable when gradprop/arbitraries implements it. */
export interface Draw {
  /** A shape within the bounds. */
  shape(spec?: ShapeSpec): number[];
  /** `count` shapes that broadcast together under NumPy rules (size-1 and missing leading axes). */
  broadcastShapes(count: number, spec?: ShapeSpec): number[][];
  /** A tensor of this shape, values within the bounds and away from `avoid`. */
  tensor(shape: Shape, spec?: ValueSpec): Tensor;
  /** Integers in [0, upTo), as float64 values. */
  ids(shape: Shape, upTo: number): Tensor;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** true or false. */
  boolean(): boolean;
  /** One of the choices. */
  pick<T>(choices: readonly T[]): T;
}
