import { Arbitrary, type Random, Value, stream } from 'fast-check';
import { drawSeed, keyedUnits } from './keyed-random.js';

/** What a tensor's entries are — reals in a range, or ids — as one recipe to draw, check and simplify. */
export interface Entries {
  /** One entry, from a stream of uniform numbers in [0, 1). */
  draw(units: () => number): number;
  /** Whether `x` is a value `draw` could give: the spec holds for it. */
  accepts(x: number): boolean;
  /** Accepted values simpler than `x`, simplest first. Each is strictly simpler, so every chain ends. */
  simpler(x: number): IterableIterator<number>;
}

/** One entry on its own, as a fast-check arbitrary. */
export class EntryArbitrary extends Arbitrary<number> {
  constructor(private readonly entries: Entries) {
    super();
  }

  generate(mrng: Random): Value<number> {
    return new Value(this.entries.draw(keyedUnits(drawSeed(mrng))), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number {
    return typeof value === 'number' && this.entries.accepts(value);
  }

  shrink(value: number): ReturnType<Arbitrary<number>['shrink']> {
    return stream(this.entries.simpler(value)).map((x) => new Value(x, undefined));
  }
}
