import { Rng, type Shape, Tensor, sizeOf, unravelIndex } from '../tensor/index.js';
import { highWords, powerOfTwoBelow, ulp, ulpAt } from './binary.js';
import { Spares } from './spares.js';

/**
 * The entries of all differentiable inputs, laid end to end: a direction in input space is one
 * Float64Array over this space, and every entry has a global position.
 */
export class InputSpace {
  /** Positions (in the inputs list) of the differentiable inputs. */
  readonly differentiable: number[];
  /** Global offset of each differentiable input's first entry. */
  readonly offsets: number[];
  readonly size: number;
  /** Each entry's natural length: finite-difference steps are relative to it. */
  readonly scale: Float64Array;
  /** The largest magnitude among the differentiable entries. */
  readonly largest: number;

  /**
   * @param exactStep the smallest step t planned to be exact: directions are rounded so that
   *   x + t·d is exact for every step down to it, or rounding of the input itself would be mistaken
   *   for an error of the derivative (sin at x = 300 moved by 1e-3 loses 1e-10 of the step).
   * @param mantissaBits of the target's arithmetic: a float32 target rounds its inputs to 23 bits.
   * @param spares where moved inputs are written (see shifted): the guard's, which takes them back
   *   after the forward they were given to.
   */
  constructor(
    readonly inputs: readonly Tensor[],
    nondifferentiable: readonly number[],
    private readonly exactStep: number,
    private readonly mantissaBits = 52,
    private readonly spares = new Spares(),
  ) {
    this.differentiable = inputs.map((_, i) => i).filter((i) => !nondifferentiable.includes(i));
    this.offsets = [];
    let size = 0;
    for (const k of this.differentiable) {
      this.offsets.push(size);
      size += inputs[k]!.size;
    }
    this.size = size;
    this.scale = new Float64Array(size);
    let largest = 0;
    this.differentiable.forEach((k, slot) => (largest = Math.max(largest, entryScales(inputs[k]!.data, this.scale, this.offsets[slot]!))));
    this.largest = largest;
  }

  /**
   * The inputs moved by t·direction (nondifferentiable inputs are passed through). Every call gets
   * fresh tensors on fresh ArrayBuffers, over memory from the spares: a target may mutate what it
   * is given, and what it keeps is detached once the spares hand that memory out again. Entries
   * outside the direction's support are copied, not moved by t·0: localisation moves a few entries
   * of 10⁶ at each of hundreds of steps, and a copy costs a fraction of the arithmetic over every
   * entry. An entry the direction does not move keeps its bits (−0 + 0 would be +0: a jump where
   * atan2 or 1/x read the sign of a zero).
   */
  shifted(direction: Float64Array, t: number): Tensor[] {
    const moved = [...this.inputs];
    for (const { input: x, offset, position: k, from, to, negativeZeros } of this.slotsAlong(direction)) {
      moved[k] = new Tensor(movedAlong(x.data, direction, offset, from, to, negativeZeros, t, this.spares.take(x.size)), x.shape);
    }
    return moved;
  }

  /** The slots a direction moves (see slotsAlong), by direction: directions are never written once made. */
  private readonly along = new WeakMap<Float64Array, SlotAlong[]>();

  /** Which input and multi-index a global position is. */
  locate(position: number): { input: number; index: number[] } {
    const { input, flat } = this.entry(position);
    return { input, index: unravelIndex(flat, this.inputs[input]!.shape) };
  }

  /** Per-input tensors (zeros for nondifferentiable inputs) from a vector over the space. */
  split(vector: Float64Array): Tensor[] {
    return this.inputs.map((x, k) => {
      const slot = this.differentiable.indexOf(k);
      if (slot < 0) return new Tensor(new Float64Array(x.size), x.shape);
      const offset = this.offsets[slot]!;
      return new Tensor(vector.slice(offset, offset + x.size), x.shape);
    });
  }

  /**
   * A vector over the space from per-input gradients: the memory they lie in where they lie end to
   * end in one buffer, in the space's order, as the guard lays a vjp's copies (see
   * GuardedTarget.vjp) — a copy of 10⁶ entries costs the checker as much as a cheap target's call,
   * and the guard's copies are the checker's own, never written (see GuardedTarget.received).
   */
  join(gradients: readonly Tensor[]): Float64Array {
    const parts = this.differentiable.map((k) => gradients[k]!.data);
    const [first] = parts;
    const laid = (part: Float64Array, slot: number) =>
      part.buffer === first!.buffer && part.byteOffset === first!.byteOffset + 8 * this.offsets[slot]! && part.length === this.inputs[this.differentiable[slot]!]!.size;
    if (first && parts.every(laid)) return parts.length === 1 ? first : new Float64Array(first.buffer, first.byteOffset, this.size);
    const vector = new Float64Array(this.size);
    this.differentiable.forEach((k, slot) => vector.set(gradients[k]!.data, this.offsets[slot]!));
    return vector;
  }

  /**
   * A random direction: random entries times each entry's scale, rounded to exact steps whose
   * lowest bit is the quantum's (see oddStep): the arithmetic is read along the first one.
   */
  randomDirection(rng: Rng): Float64Array {
    const direction = new Float64Array(this.size);
    const { scale, exactStep, mantissaBits } = this;
    for (const [{ data: x }, offset] of this.slots()) {
      const high = highWords(x);
      for (let i = 0; i < x.length; i++) {
        const d = scale[offset + i]! * randomEntry(rng);
        direction[offset + i] = x[i] === 0 ? d : oddStep(d, ulpAt(x, high, i, mantissaBits) / exactStep);
      }
    }
    return direction;
  }

  /**
   * The direction of one entry, of a random length between ½ and 3⁄2 of its scale (rounded to
   * exact steps): never a power of two, so that a function periodic in powers of two — sin(2^k·π·x),
   * a Fourier feature — cannot alias on every step along it and pass for flat.
   */
  basis(position: number, rng: Rng): Float64Array {
    const direction = new Float64Array(this.size);
    direction[position] = this.exact(position, this.scale[position]! * (0.5 + rng.next()));
    return direction;
  }

  /** A direction's entry rounded so that the entry moved by it at any planned step is exact. */
  private exact(position: number, d: number): number {
    const { input, flat } = this.entry(position);
    return exactStepDirection(this.inputs[input]!.data[flat]!, d, this.exactStep, this.mantissaBits);
  }


  /**
   * The largest |x_j|·typical_j among the entries a direction moves: the size of the backward
   * error's effect on f (`typical`: one per slot, see Context.typical). Each input's largest |x_j|
   * moved times its typical gradient: the largest of the products, to the bit, as rounding is
   * monotone.
   */
  backward(direction: Float64Array, typical: Float64Array): number {
    let largest = 0;
    this.slotsAlong(direction).forEach((moved, slot) => (largest = Math.max(largest, moved.largest * typical[slot]!)));
    return largest;
  }

  /**
   * ⟨a, d⟩, the size of its terms Σ|a_j d_j|, and Σ|typical_j d_j| (the size of other terms along
   * d; `typical` one per slot, see Context.typical) in one pass where there were three, and over
   * the direction's support only: outside it every product is ±0, which changes none of these sums
   * (none is ever −0) — a localised entry's direction is summed at its one entry, not at 10⁶. Each
   * summed in order, as dot and absDot sum with each input's number written out at its entries,
   * to the same bits.
   */
  dotWithSizes(a: Float64Array, direction: Float64Array, typical: Float64Array): { dot: number; terms: number; around: number } {
    let dot = 0;
    let terms = 0;
    let around = 0;
    const slots = this.slotsAlong(direction);
    for (let slot = 0; slot < slots.length; slot++) {
      const { offset, from, to } = slots[slot]!;
      const w = typical[slot]!;
      for (let j = offset + from; j < offset + to; j++) {
        const product = a[j]! * direction[j]!;
        dot += product;
        terms += Math.abs(product);
        around += Math.abs(w * direction[j]!);
      }
    }
    return { dot, terms, around };
  }

  /** Σ|typical_j d_j| along a direction, as dotWithSizes sums it. */
  typicalAlong(direction: Float64Array, typical: Float64Array): number {
    let sum = 0;
    const slots = this.slotsAlong(direction);
    for (let slot = 0; slot < slots.length; slot++) {
      const { offset, from, to } = slots[slot]!;
      const w = typical[slot]!;
      for (let j = offset + from; j < offset + to; j++) sum += Math.abs(w * direction[j]!);
    }
    return sum;
  }

  /**
   * Integer ids and class targets not declared nondifferentiable break every finite difference:
   * the hint names the inputs that hold only whole numbers.
   */
  idsHint(): string {
    const whole = this.differentiable.filter((k) => this.inputs[k]!.data.every(Number.isInteger));
    if (whole.length === 0) return 'If an input holds integer ids or class targets, list its position in `nondifferentiable`. ';
    const which = whole.length === 1 ? `Input ${whole[0]} holds` : `Inputs ${whole.join(', ')} hold`;
    return `${which} only whole numbers: if they are integer ids or class targets, list them in \`nondifferentiable\` (nondifferentiable: [${whole.join(', ')}]). `;
  }

  /**
   * Each differentiable input, its first entry's global offset and its position among the inputs:
   * for plain loops over the entries (a sum a closure captured would live on the heap, written at
   * every entry).
   */
  private slots(): [input: Tensor, offset: number, position: number][] {
    return this.differentiable.map((k, slot) => [this.inputs[k]!, this.offsets[slot]!, k]);
  }

  /** The slots, each with what a direction does to its input (see SlotAlong). */
  private slotsAlong(direction: Float64Array): SlotAlong[] {
    let known = this.along.get(direction);
    if (!known) {
      const [first, end] = support(direction);
      known = this.slots().map(([input, offset, position]) => {
        const [from, to] = [Math.max(first - offset, 0), Math.min(end - offset, input.size)];
        return { input, offset, position, from, to, ...movedEntries(input.data, direction, offset, from, to) };
      });
      this.along.set(direction, known);
    }
    return known;
  }

  /** Which input a global position is in, and its flat index there. */
  private entry(position: number): { input: number; flat: number } {
    let slot = this.offsets.length - 1;
    while (this.offsets[slot]! > position) slot--;
    return { input: this.differentiable[slot]!, flat: position - this.offsets[slot]! };
  }
}

/** A slot (see InputSpace.slots) and what a direction does to its input. */
interface SlotAlong {
  input: Tensor;
  offset: number;
  position: number;
  /** The range of the input's entries that the direction's support covers. */
  from: number;
  to: number;
  /** The entries there that the direction does not move and are −0 (see movedAlong). */
  negativeZeros: readonly number[];
  /** The largest magnitude among the entries it moves (0 if none; see InputSpace.backward). */
  largest: number;
}

/** The positions from a direction's first nonzero entry to just past its last ([0, 0] if it has none). */
function support(direction: Float64Array): [first: number, end: number] {
  let first = 0;
  while (first < direction.length && direction[first] === 0) first++;
  let end = direction.length;
  while (end > first && direction[end - 1] === 0) end--;
  return [first, end];
}

/**
 * Of the entries i in from..to of x, with the direction's entry at its offset + i: those it does not
 * move that are −0, and the largest magnitude among those it moves, on one pass.
 */
function movedEntries(x: Float64Array, direction: Float64Array, offset: number, from: number, to: number): { negativeZeros: number[]; largest: number } {
  const negativeZeros: number[] = [];
  let largest = 0;
  for (let i = from; i < to; i++) {
    if (direction[offset + i] !== 0) largest = Math.max(largest, Math.abs(x[i]!));
    else if (Object.is(x[i], -0)) negativeZeros.push(i);
  }
  return { negativeZeros, largest };
}

/**
 * x written into `moved` with its entries from..to moved by t·direction (x's entry i at the direction's
 * offset + i), written once each: the stretches outside copied whole, every entry inside moved
 * by t·d without a branch on d. Where d is 0, x + t·0 is x but for −0, which t·0 = +0 turns into
 * +0: those entries (`negativeZeros`, found once per direction) are written back (a move of 10⁶
 * entries: 2.5 ms of CPU against 3.3 ms with a select on d at each, medians of 50, pages reused).
 */
function movedAlong(x: Float64Array, direction: Float64Array, offset: number, from: number, to: number, negativeZeros: readonly number[], t: number, moved: Float64Array): Float64Array {
  if (from >= to) {
    moved.set(x);
    return moved;
  }
  moved.set(x.subarray(0, from));
  moved.set(x.subarray(to), to);
  for (let i = from; i < to; i++) moved[i] = x[i]! + t * direction[offset + i]!;
  for (const i of negativeZeros) moved[i] = -0;
  return moved;
}

/**
 * A small entry's scale is its own magnitude, so that steps never cross a pole or kink at 0 (log,
 * sqrt, 1/x, relu at 1e-9); a large entry's is 1, since nothing says a function varies more slowly
 * far from 0 (sin, tanh, a clamp at 5) — but at least 2^-16 of its magnitude, so that a step
 * never rounds away. A zero has no magnitude of its own and borrows its tensor's root-mean-square
 * (1 for an all-zero tensor). Powers of two, so that steps are exact.
 * Returns the largest magnitude among the entries, read on the same pass.
 */
function entryScales(data: Float64Array, scale: Float64Array, offset: number): number {
  let squares = 0;
  let largest = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    squares += x * x;
    largest = Math.max(largest, Math.abs(x));
  }
  const rms = Math.sqrt(squares / Math.max(data.length, 1));
  const zero = rms > 0 && Number.isFinite(rms) ? rms : 1;
  for (let i = 0; i < data.length; i++) {
    const magnitude = Math.abs(data[i]!) || zero;
    scale[offset + i] = powerOfTwoBelow(magnitude <= 1 ? magnitude : Math.max(1, magnitude * FAR));
  }
  return largest;
}

/** How far below a large entry's magnitude its scale may be: 2^-16. */
const FAR = 2 ** -16;

/**
 * d rounded as exactStepDirection rounds it, to the nearest odd multiple of the quantum (x's spacing
 * over the smallest exact step, never 0: an ulp is at least 2^-1074 and that step at most 2^-7;
 * x ≠ 0; from an even multiple, up), so that its lowest bit is the quantum's: a float64 input
 * moved by the first steps (2^-7 … 2^-10 of it) then never lands on a float32 value, and a float32
 * forward rounds every moved input — its noise shows in the reading of the arithmetic (see
 * arithmetic.ts), however short the draw. The odd multiple 2⌊d/2q⌋ + 1 is taken
 * without a branch on the parity of the nearest multiple, a coin toss at each entry: a direction of
 * 10⁶ entries cost 40 ms with it, 20 without (the same bits: quanta are powers of two, d/2q exact).
 */
export function oddStep(d: number, quantum: number): number {
  return (2 * Math.floor(d / (2 * quantum)) + 1) * quantum;
}

/**
 * d rounded (never to 0) so that x + t·d is exact for every power-of-two step t from `smallestStep`
 * up to where t·d outgrows x: a multiple of x's spacing over the smallest step. Otherwise the
 * rounding of the moved input, which grows with the gradient along the way, reads as curvature.
 */
export function exactStepDirection(x: number, d: number, smallestStep: number, mantissaBits = 52): number {
  const quantum = ulp(x, mantissaBits) / smallestStep;
  return quantum > 0 ? Math.round(d / quantum) * quantum || quantum * Math.sign(d) : d;
}

/**
 * A random sign times a magnitude in [0.5, 1.5): never near 0, so an error in any one entry shows
 * in the projection at full strength, and never all-ones, so sum-like outputs cannot hide errors.
 */
export function randomEntry(rng: Rng): number {
  // the sign is rng.next() < ½ read off the one bit that decides it (bit 25 of the first of its two
  // draws: next() is the low 26 bits of that draw over 2^26, plus less than 2^-26), taken as a
  // factor −1 or 1 rather than a branch on a random bit — the same stream, to the last bit
  const first = rng.bits();
  rng.bits();
  return (((first >> 24) & 2) - 1) * (0.5 + rng.next());
}

export function randomVector(rng: Rng, length: number): Float64Array {
  const v = new Float64Array(length);
  for (let i = 0; i < length; i++) v[i] = randomEntry(rng);
  return v;
}

/** A random probe tensor (cotangent or tangent) of a shape: entries ±[0.5, 1.5). */
export function randomProbe(rng: Rng, shape: Shape): Tensor {
  return new Tensor(randomVector(rng, sizeOf(shape)), shape);
}

/** The inner product of two vectors of the same length. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * ⟨v, f⟩ for each vector v, two at a pass over f: each summed in order, as dot sums, to the same
 * bits. A sample's two projections at 10⁶ entries, in a loop of fresh samples: 1.5 ms of CPU where
 * two dots took 2, and the bucket pass of the noise reading with them folded in took 3 more than
 * on its own (see ProjectedNoise).
 */
export function dots(vectors: readonly Float64Array[], f: Float64Array): Float64Array {
  const sums = new Float64Array(vectors.length);
  for (let j = 0; j < vectors.length; j += 2) {
    const a = vectors[j]!;
    const b = vectors[j + 1];
    if (b === undefined) {
      sums[j] = dot(a, f);
      break;
    }
    let first = 0;
    let second = 0;
    for (let i = 0; i < f.length; i++) {
      const y = f[i]!;
      first += a[i]! * y;
      second += b[i]! * y;
    }
    sums[j] = first;
    sums[j + 1] = second;
  }
  return sums;
}

/**
 * √(mean of squares) of the entries from..to of each vector (each times its coefficient, if
 * given); scaled by the largest entry first, so that squares of values near overflow do not
 * overflow.
 */
export function rootMeanSquare(vectors: readonly ArrayLike<number>[], from = 0, to?: number, coefficients?: readonly number[]): number {
  // plain loops: sums a closure captured would live on the heap, written at every entry
  let largest = 0;
  let count = 0;
  for (let k = 0; k < vectors.length; k++) {
    const v = vectors[k]!;
    const c = coefficients?.[k] ?? 1;
    const end = to ?? v.length;
    for (let i = from; i < end; i++, count++) largest = Math.max(largest, Math.abs(c * v[i]!));
  }
  if (largest === 0 || !Number.isFinite(largest)) return largest;
  let squares = 0;
  for (let k = 0; k < vectors.length; k++) {
    const v = vectors[k]!;
    const c = coefficients?.[k] ?? 1;
    const end = to ?? v.length;
    for (let i = from; i < end; i++) squares += ((c * v[i]!) / largest) ** 2;
  }
  return largest * Math.sqrt(squares / count);
}

/** Σ|a_i b_i|: the size of the terms behind a dot product, which bounds its rounding error. */
export function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! * b[i]!);
  return sum;
}

/**
 * What sets the rounding of ⟨v, f⟩: Σ|v_i| (weight), Σ|v_i f_i| (terms), and √Σ(v_i f_i)² (spread:
 * how the terms' independent noise adds up), scaled by the largest product first so that no square
 * overflows. Two passes over the vectors, each sum in order, as when each was taken on its own.
 */
export function productSizes(v: Float64Array, f: Float64Array): { weight: number; terms: number; spread: number } {
  let weight = 0;
  let terms = 0;
  let largest = 0;
  for (let i = 0; i < v.length; i++) {
    const product = Math.abs(v[i]! * f[i]!);
    weight += Math.abs(v[i]!);
    terms += product;
    largest = Math.max(largest, product);
  }
  if (largest === 0 || !Number.isFinite(largest)) return { weight, terms, spread: largest };
  let squares = 0;
  for (let i = 0; i < v.length; i++) squares += ((v[i]! * f[i]!) / largest) ** 2;
  return { weight, terms, spread: largest * Math.sqrt(squares) };
}
