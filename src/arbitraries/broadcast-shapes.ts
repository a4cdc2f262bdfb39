import { Arbitrary, type Random, Value, stream } from 'fast-check';
import type { ShapeSpec } from '../ops/domain.js';
import { drawSeed, intBetween, keyedUnits } from './keyed-random.js';
import { ShapeArbitrary, fitsShape } from './shape.js';

/** Of the shapes drawn from one common shape, this many lack some leading axes... */
const MISSING_LEADING_RATE = 0.25;
/** ...and this many of their sides are 1, to be broadcast (the common shape has no forced 1s). */
const BROADCAST_SIDE_RATE = 1 / 3;

/**
 * `count` shapes that broadcast together under NumPy rules: each is one common shape with some
 * leading axes missing and some sides set to 1. Shrinks toward fewer axes and smaller sides.
 */
export function broadcastShapes(count: number, spec?: ShapeSpec): BroadcastShapesArbitrary {
  return new BroadcastShapesArbitrary(count, spec);
}

export class BroadcastShapesArbitrary extends Arbitrary<number[][]> {
  private readonly common: ShapeArbitrary;

  constructor(
    readonly count: number,
    spec?: ShapeSpec,
  ) {
    super();
    if (!(Number.isSafeInteger(count) && count >= 1)) throw new RangeError(`broadcastShapes: expected a positive count, got ${count}`);
    this.common = new ShapeArbitrary(spec, 0);
  }

  generate(mrng: Random): Value<number[][]> {
    const units = keyedUnits(drawSeed(mrng));
    const common = this.common.draw(units);
    const { minRank, minSide } = this.common.spec;
    const derive = (): number[] => {
      const missing = common.length > minRank && units() < MISSING_LEADING_RATE ? intBetween(units, 1, common.length - minRank) : 0;
      return common.slice(missing).map((side) => (minSide <= 1 && units() < BROADCAST_SIDE_RATE ? 1 : side));
    };
    return new Value(Array.from({ length: this.count }, derive), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number[][] {
    return (
      Array.isArray(value) && value.length === this.count &&
      value.every((s) => fitsShape(s, this.common.spec)) && broadcastShape(value) !== undefined
    );
  }

  shrink(shapes: number[][]): ReturnType<Arbitrary<number[][]>['shrink']> {
    return stream(this.smaller(shapes)).map((s) => new Value(s, undefined));
  }

  /** Every move keeps the shapes broadcastable; those that break the spec are dropped. */
  private *smaller(shapes: number[][]): Generator<number[][]> {
    const rank = Math.max(...shapes.map((s) => s.length));
    // axes counted from the right, as broadcasting aligns them
    const sideAt = (s: number[], back: number): number | undefined => s[s.length - 1 - back];
    const withSide = (s: number[], back: number, side: number): number[] => s.with(s.length - 1 - back, side);
    const moves: number[][][] = [];
    for (let back = rank - 1; back >= 0; back--) {
      moves.push(shapes.map((s) => (back < s.length ? s.toSpliced(s.length - 1 - back, 1) : s)));
    }
    for (const [i, s] of shapes.entries()) if (s.length > 0) moves.push(shapes.with(i, s.slice(1)));
    for (let back = rank - 1; back >= 0; back--) {
      const side = Math.max(...shapes.map((s) => sideAt(s, back) ?? 1));
      for (const smaller of new Set([1, Math.floor(side / 2), side - 1])) {
        if (smaller >= 1 && smaller < side) moves.push(shapes.map((s) => (sideAt(s, back) === side ? withSide(s, back, smaller) : s)));
      }
    }
    for (const [i, s] of shapes.entries()) {
      for (let back = 0; back < s.length; back++) if (sideAt(s, back)! > 1) moves.push(shapes.with(i, withSide(s, back, 1)));
    }
    for (const move of moves) if (move.every((s) => fitsShape(s, this.common.spec))) yield move;
  }
}

/** The shape `shapes` broadcast to, or undefined when they do not broadcast together. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const result: number[] = [];
  for (let back = rank - 1; back >= 0; back--) {
    const sides = new Set(shapes.map((s) => s[s.length - 1 - back] ?? 1).filter((side) => side !== 1));
    if (sides.size > 1) return undefined;
    result.push([...sides][0] ?? 1);
  }
  return result;
}
