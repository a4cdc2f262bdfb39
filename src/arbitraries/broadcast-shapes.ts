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

/** The arbitrary broadcastShapes returns. */
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
      value.every((s) => fitsShape(s, this.common.spec)) && broadcastable(value)
    );
  }

  shrink(shapes: number[][]): ReturnType<Arbitrary<number[][]>['shrink']> {
    return stream(this.smaller(shapes)).map((s) => new Value(s, undefined));
  }

  /** Smaller shapes that still broadcast together, biggest cuts first; those that break the spec are dropped. */
  private *smaller(shapes: number[][]): Generator<number[][]> {
    const rank = Math.max(...shapes.map((s) => s.length));
    const moves: number[][][] = [];
    // remove one axis (aligned from the right, as broadcasting aligns them) from every shape that has it
    for (let back = rank - 1; back >= 0; back--) {
      moves.push(shapes.map((s) => (back < s.length ? s.toSpliced(fromBack(s, back), 1) : s)));
    }
    // let one shape miss its leading axis
    for (const [i, s] of shapes.entries()) if (s.length > 0) moves.push(shapes.with(i, s.slice(1)));
    // shorten one axis in every shape where it is not broadcast
    for (let back = rank - 1; back >= 0; back--) {
      const side = Math.max(...shapes.map((s) => s[fromBack(s, back)] ?? 1));
      for (const shorter of new Set([1, Math.floor(side / 2), side - 1])) {
        if (shorter < 1 || shorter >= side) continue;
        moves.push(shapes.map((s) => (s[fromBack(s, back)] === side ? s.with(fromBack(s, back), shorter) : s)));
      }
    }
    // broadcast one axis of one shape
    for (const [i, s] of shapes.entries()) {
      for (const [axis, side] of s.entries()) if (side > 1) moves.push(shapes.with(i, s.with(axis, 1)));
    }
    for (const move of moves) if (move.every((s) => fitsShape(s, this.common.spec))) yield move;
  }
}

/** The index of the axis `back` places from the last. */
function fromBack(shape: readonly number[], back: number): number {
  return shape.length - 1 - back;
}

/** Whether, aligned from the right, every axis has one side besides 1. */
function broadcastable(shapes: readonly (readonly number[])[]): boolean {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  for (let back = 0; back < rank; back++) {
    if (new Set(shapes.map((s) => s[fromBack(s, back)] ?? 1).filter((side) => side !== 1)).size > 1) return false;
  }
  return true;
}
