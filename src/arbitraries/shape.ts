import { Arbitrary, type Random, Value, stream } from 'fast-check';
import type { ShapeSpec } from '../ops/domain.js';
import type { Shape } from '../tensor/index.js';
import { cropShape, cropsOf } from './crop.js';
import { drawSeed, intBetween, keyedUnits } from './keyed-random.js';

/** Small by default: finite differences cost two evaluations per entry. */
export const DEFAULT_SHAPE: Required<ShapeSpec> = { minRank: 0, maxRank: 3, minSide: 1, maxSide: 4 };

/** Broadcasting bugs hide in size-1 axes: a quarter of the sides are forced to 1, besides those drawn. */
const SIZE_ONE_RATE = 0.25;

export function resolveShapeSpec(spec: ShapeSpec = {}): Required<ShapeSpec> {
  const minRank = spec.minRank ?? Math.min(DEFAULT_SHAPE.minRank, spec.maxRank ?? Infinity);
  const maxRank = spec.maxRank ?? Math.max(DEFAULT_SHAPE.maxRank, minRank);
  const minSide = spec.minSide ?? Math.min(DEFAULT_SHAPE.minSide, spec.maxSide ?? Infinity);
  const maxSide = spec.maxSide ?? Math.max(DEFAULT_SHAPE.maxSide, minSide);
  for (const [low, high] of [[minRank, maxRank], [minSide, maxSide]] as const) {
    if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && 0 <= low && low <= high)) {
      throw new RangeError(`shape: expected integer bounds 0 <= min <= max, got ${JSON.stringify(spec)}`);
    }
  }
  return { minRank, maxRank, minSide, maxSide };
}

export function fitsShape(shape: unknown, spec: Required<ShapeSpec>): shape is number[] {
  return (
    Array.isArray(shape) && shape.length >= spec.minRank && shape.length <= spec.maxRank &&
    shape.every((side) => Number.isSafeInteger(side) && side >= spec.minSide && side <= spec.maxSide)
  );
}

/** Shapes: rank in [minRank, maxRank], sides in [minSide, maxSide], size-1 sides often; shrink by crops. */
export class ShapeArbitrary extends Arbitrary<number[]> {
  readonly spec: Required<ShapeSpec>;

  constructor(
    spec?: ShapeSpec,
    private readonly sizeOneRate = SIZE_ONE_RATE,
  ) {
    super();
    this.spec = resolveShapeSpec(spec);
  }

  /** A shape from a stream of uniform numbers in [0, 1). */
  draw(units: () => number): number[] {
    const { minRank, maxRank, minSide, maxSide } = this.spec;
    const oneAllowed = minSide <= 1 && 1 <= maxSide;
    return Array.from({ length: intBetween(units, minRank, maxRank) }, () =>
      oneAllowed && units() < this.sizeOneRate ? 1 : intBetween(units, minSide, maxSide),
    );
  }

  generate(mrng: Random): Value<number[]> {
    return new Value(this.draw(keyedUnits(drawSeed(mrng))), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number[] {
    return fitsShape(value, this.spec);
  }

  shrink(shape: number[]): ReturnType<Arbitrary<number[]>['shrink']> {
    return stream(this.smaller(shape)).map((s) => new Value(s, undefined));
  }

  private *smaller(shape: Shape): Generator<number[]> {
    const seen = new Set<string>();
    for (const crop of cropsOf(shape, this.spec)) {
      const smaller = cropShape(shape, crop);
      const key = smaller.join();
      if (seen.has(key)) continue;
      seen.add(key);
      yield smaller;
    }
  }
}

/** Shapes within the spec (rank 0 to 3 and sides 1 to 4 by default), size-1 sides often; they shrink toward fewer and smaller sides. */
export function shape(spec?: ShapeSpec): ShapeArbitrary {
  return new ShapeArbitrary(spec);
}
