import { Arbitrary, type Random, Value, stream } from 'fast-check';
import type { ShapeSpec } from '../ops/domain.js';
import { type Shape, Tensor, checkShape, isTensor, shapesEqual, sizeOf, unravelIndex } from '../tensor/index.js';
import { cropTensor, cropsOf } from './crop.js';
import type { Entries } from './entries.js';
import { drawSeed, keyedUnits } from './keyed-random.js';
import { type RealSpec, reals } from './reals.js';
import { ShapeArbitrary, fitsShape } from './shape.js';

/** The shapes and the values of generated tensors. */
export interface TensorSpec extends ShapeSpec, RealSpec {}

/** Tensors of one given shape, with entries as `values` asks. */
export function tensorOf(shape: Shape, values: RealSpec = {}): TensorArbitrary {
  checkShape('tensorOf', shape);
  return new TensorArbitrary([...shape], reals(values));
}

/** Tensors of a generated shape (see `shape`), with entries as the spec asks (see `uniformReal`). */
export function tensorArb(spec: TensorSpec = {}): TensorArbitrary {
  return new TensorArbitrary(new ShapeArbitrary(spec), reals(spec));
}

/**
 * Tensors of a fixed or a generated shape. A failure shrinks the shape first — remove an axis,
 * drop leading or trailing rows, keeping the values that remain — then all entries to their
 * simplest at once, then one entry at a time.
 */
export class TensorArbitrary extends Arbitrary<Tensor> {
  constructor(
    private readonly shapes: ShapeArbitrary | Shape,
    private readonly entries: Entries,
  ) {
    super();
  }

  generate(mrng: Random): Value<Tensor> {
    const shape = this.shapes instanceof ShapeArbitrary ? this.shapes.draw(keyedUnits(drawSeed(mrng))) : this.shapes;
    // entries are keyed by position: a regenerated tensor of a cropped shape keeps the entries that remain
    const seed = drawSeed(mrng);
    const data = new Float64Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.entries.draw(keyedUnits(seed, unravelIndex(i, shape)));
    return new Value(new Tensor(data, shape), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is Tensor {
    return isTensor(value) && this.fits(value.shape) && value.data.every((x) => this.entries.accepts(x));
  }

  shrink(t: Tensor): ReturnType<Arbitrary<Tensor>['shrink']> {
    return stream(this.simpler(t)).map((s) => new Value(s, undefined));
  }

  private fits(shape: Shape): boolean {
    return this.shapes instanceof ShapeArbitrary ? fitsShape(shape, this.shapes.spec) : shapesEqual(shape, this.shapes);
  }

  private *simpler(t: Tensor): Generator<Tensor> {
    if (this.shapes instanceof ShapeArbitrary) {
      for (const crop of cropsOf(t.shape, this.shapes.spec)) yield cropTensor(t, crop);
    }
    const simplest = t.data.map((x) => this.entries.simpler(x).next().value ?? x);
    if (simplest.some((x, i) => x !== t.data[i])) yield new Tensor(simplest, t.shape);
    for (let i = 0; i < t.size; i++) {
      for (const x of this.entries.simpler(t.data[i]!)) yield new Tensor(t.data.with(i, x), t.shape);
    }
  }
}
