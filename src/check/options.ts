import { floorLog2, powerOfTwo } from './binary.js';
import type { Mode } from './report.js';
import { ContractError, describe, describeThrown } from './target.js';

/** How checkGradients checks: the mode, the probes' seed, the arithmetic, a fixed tolerance instead of the derived one. */
export interface CheckOptions {
  /** 'auto' (default): fast probes, then localise any failure to entries. */
  mode?: Mode;
  /** Seeds the random probe directions; the same seed replays the same check. An integer. */
  seed?: number;
  /** Random cotangents per check in fast and auto mode (at least 1). */
  probes?: number;
  /**
   * Arithmetic of the target. 'auto' (default) reads it off the forward's measured noise: float64
   * when it is as quiet as float64, float32 when it is noisy (or does not move) and its values are
   * float32 values. A float32 target is judged by a significance test in every mode (by finite
   * differences at float32's steps with atol/rtol, whose fixed tolerance replaces it); a float64
   * forward noisier than float64 gets a statistical second opinion where finite differences fail it.
   */
  precision?: 'auto' | 'float64' | 'float32';
  /** Fixed tolerance |analytic − numeric| ≤ atol + rtol·|numeric|, replacing the derived one (both ≥ 0). */
  atol?: number;
  rtol?: number;
  /** In auto mode, inputs with at most this many entries are localised entry by entry, not by bisection. */
  entrywiseLimit?: number;
  /** Stop localising after this many wrong entries. */
  maxMismatches?: number;
  /**
   * 2: after first order, check the second: the target's vjp as a function of [...inputs,
   * cotangent], through the second-order rule its vjpTarget() provides. Default 1.
   */
  order?: 1 | 2;
}

export interface Settings {
  mode: Mode;
  precision: 'float64' | 'float32';
  seed: number;
  probes: number;
  /** Unit roundoff of the target's arithmetic. */
  eps: number;
  /** First step, relative to each entry's scale; later steps halve it. */
  step: number;
  /** Number of step sizes in the Richardson tableau before it may settle. */
  levels: number;
  /** Steps halve down to this one while the estimate has not settled. */
  smallestStep: number;
  /** Directions are rounded so that every step down to this one moves the input exactly. */
  exactStep: number;
  tolerance?: { atol: number; rtol: number };
  entrywiseLimit: number;
  maxMismatches: number;
}

const MODES: readonly string[] = ['auto', 'fast', 'full'];
const PRECISIONS: readonly string[] = ['auto', 'float64', 'float32'];

/**
 * The options a user gave, read once and checked one by one: each bad value gets a message that
 * says which option, what it must be and what it was. null and undefined mean the defaults.
 */
export function cleanOptions(name: string, options: unknown): CheckOptions {
  if (options === undefined || options === null) return {};
  const bad = (message: string) => new ContractError('bad-options', `${name}: ${message}`);
  if (typeof options !== 'object') throw bad(`options must be an object, got ${describe(options)}`);
  const read = (key: keyof CheckOptions): unknown => {
    try {
      return (options as Record<string, unknown>)[key];
    } catch (error) {
      throw bad(`reading option ${key} threw ${describeThrown(error)}`);
    }
  };
  const clean: Record<string, unknown> = {};
  const take = (key: keyof CheckOptions, valid: (v: unknown) => boolean, expected: string) => {
    const value = read(key);
    if (value === undefined) return;
    if (!valid(value)) throw bad(`option ${key} must be ${expected}, got ${describe(value)}`);
    clean[key] = value;
  };
  const count = (min: number) => (v: unknown) => Number.isSafeInteger(v) && (v as number) >= min;
  const bound = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  take('mode', (v) => MODES.includes(v as string), `one of ${MODES.map((m) => `'${m}'`).join(', ')}`);
  take('precision', (v) => PRECISIONS.includes(v as string), `one of ${PRECISIONS.map((p) => `'${p}'`).join(', ')}`);
  take('seed', (v) => Number.isSafeInteger(v), 'an integer (a safe one: |seed| < 2^53)');
  take('probes', count(1), 'a whole number of probes, at least 1');
  take('atol', bound, 'a finite number ≥ 0');
  take('rtol', bound, 'a finite number ≥ 0');
  take('entrywiseLimit', count(0), 'a whole number ≥ 0');
  take('maxMismatches', count(0), 'a whole number ≥ 0');
  take('order', (v) => v === 1 || v === 2, '1 or 2');
  return clean as CheckOptions;
}

/** The settings for a target whose output at the input is `output` (and `more`: see arithmeticOf). */
export function resolveOptions(options: CheckOptions, output: ArrayLike<number>, more?: () => ArrayLike<number>): Settings {
  const precision = options.precision === undefined || options.precision === 'auto' ? arithmeticOf(output, more) : options.precision;
  const float32 = precision === 'float32';
  const fixed = options.atol !== undefined || options.rtol !== undefined;
  const step = float32 ? 2 ** -4 : 2 ** -7;
  const levels = 4;
  return {
    mode: options.mode ?? 'auto',
    precision,
    seed: options.seed ?? 0,
    probes: options.probes ?? 2,
    eps: float32 ? 2 ** -24 : 2 ** -53,
    step,
    levels,
    // float64 steps go down to 2^-30 of an entry's scale, where a step still moves an input by
    // 2^22 units in its last place; float32's 24 bits allow no more than the 12 steps it had
    smallestStep: float32 ? step * 2 ** -11 : 2 ** -30,
    // four bits below the smallest, for further runs of steps at fractions of four bits (see
    // richardson.ts); a float32 input has too few bits for more than its first four steps
    exactStep: float32 ? step * 2 ** (1 - levels) : 2 ** -34,
    ...(fixed ? { tolerance: { atol: options.atol ?? 0, rtol: options.rtol ?? 0 } } : {}),
    entrywiseLimit: options.entrywiseLimit ?? 32,
    maxMismatches: options.maxMismatches ?? 8,
  };
}

/**
 * What values say of the arithmetic, where the noise cannot (see arithmetic.ts). A float64
 * computation almost never lands every value exactly on a float32 value unless its
 * values are simple (0, 1, ½, small integers); a float32 one (tfjs, a Float32Array) always does.
 * Simple values alone say nothing, so at least one must need more than 12 significant bits — and a
 * lone value says nothing either: it can land on a float32 by cancellation (lse − logit of a
 * confident logit keeps 14 bits). When the output cannot tell (a scalar loss), `more` values (a
 * vjp's) are asked, with the output's (a scalar op at a scalar input has two values in all); with
 * nothing to tell by, float64.
 */
export function arithmeticOf(output: ArrayLike<number>, more?: () => ArrayLike<number>): 'float64' | 'float32' {
  return arithmeticOfParts([output], more);
}

/** The same, of values held in parts (outputs as sampled), read as one, without joining them. */
export function arithmeticOfParts(parts: readonly ArrayLike<number>[], more?: () => ArrayLike<number>): 'float64' | 'float32' {
  const evidence = new ArithmeticEvidence();
  for (const values of parts) evidence.add(values);
  return evidence.precision(more);
}

/** The same, of values read part by part (outputs as they are sampled), none of them held. */
export class ArithmeticEvidence {
  private float64 = false;
  private intricate = 0;
  private count = 0;

  /** Read these values too. */
  add(values: ArrayLike<number>): void {
    if (this.float64) return;
    this.count += values.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Math.fround(v) !== v) {
        this.float64 = true;
        return;
      }
      if (v !== 0 && Math.abs(v * powerOfTwo(12 - floorLog2(Math.abs(v)))) % 1 !== 0) this.intricate++;
    }
  }

  /** What the values read say, asking `more` where they cannot tell; float64 with nothing to tell by. */
  precision(more?: () => ArrayLike<number>): 'float64' | 'float32' {
    if (this.said() === undefined && more) this.add(more());
    return this.said() ?? 'float64';
  }

  private said(): 'float64' | 'float32' | undefined {
    if (this.float64) return 'float64';
    return this.intricate > 0 && this.count > 1 ? 'float32' : undefined;
  }
}
