import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type Shape, checkShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** A seeded stream of random numbers; the same seed always gives the same stream. */
export class Rng {
  private readonly generator;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new TypeError(`Rng: expected an integer seed, got ${seed}`);
    this.generator = xoroshiro128plus(seed);
  }

  /** Uniform on [0, 1), to 2^-53: two of the generator's 32-bit draws (see bits). */
  next(): number {
    return uniformFloat64(this.generator);
  }

  /**
   * The generator's own 32-bit draw, a signed integer in [−2^31, 2^31): next() is two of them, of
   * whose bits it reads the low 26 and the low 27. From a small seed the first few are far from
   * random (the first is ~seed): mix them before reading them as a number of their own.
   */
  bits(): number {
    return this.generator.next();
  }

  /** Uniform on [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal, by Box–Muller. */
  normal(): number {
    const u = 1 - this.next(); // in (0, 1]: log(u) is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** An integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low));
  }
}

/** Entries drawn from a normal distribution with mean 0 and standard deviation `std`, from `seed`. */
export function randn(shape: Shape, seed: number, std = 1): Tensor {
  checkShape('randn', shape);
  const rng = new Rng(seed);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return new Tensor(data, shape);
}

/** Entries drawn uniformly from [low, high), from `seed`. */
export function uniform(shape: Shape, seed: number, low = 0, high = 1): Tensor {
  checkShape('uniform', shape);
  const rng = new Rng(seed);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}
