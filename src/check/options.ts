import type { Mode } from './report.js';

/** How checkGradients checks: the mode, the probes' seed, the arithmetic, a fixed tolerance instead of the derived one. */
export interface CheckOptions {
  /** 'auto' (default): fast probes, then localise any failure to entries. */
  mode?: Mode;
  /** Seeds the random probe directions; the same seed replays the same check. */
  seed?: number;
  /** Random cotangents per check in fast and auto mode. */
  probes?: number;
  /**
   * Arithmetic of the target: sets the rounding unit the tolerance budgets for and the step sizes.
   * 'auto' (default) reads it off the output: float32 when every output value is a float32.
   */
  precision?: 'auto' | 'float64' | 'float32';
  /** Fixed tolerance |analytic − numeric| ≤ atol + rtol·|numeric|, replacing the derived one. */
  atol?: number;
  rtol?: number;
  /** In auto mode, inputs with at most this many entries are localised entry by entry, not by bisection. */
  entrywiseLimit?: number;
  /** Stop localising after this many mismatching entries. */
  maxMismatches?: number;
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
  /** Number of step sizes in the Richardson tableau. */
  levels: number;
  tolerance?: { atol: number; rtol: number };
  entrywiseLimit: number;
  maxMismatches: number;
}

/** The settings for a target whose output at the input is `output` (and `more`: see arithmeticOf). */
export function resolveOptions(options: CheckOptions, output: ArrayLike<number>, more?: () => ArrayLike<number>): Settings {
  const precision = options.precision === undefined || options.precision === 'auto' ? arithmeticOf(output, more) : options.precision;
  const float32 = precision === 'float32';
  const fixed = options.atol !== undefined || options.rtol !== undefined;
  return {
    mode: options.mode ?? 'auto',
    precision,
    seed: options.seed ?? 0,
    probes: options.probes ?? 2,
    eps: float32 ? 2 ** -24 : 2 ** -53,
    step: float32 ? 2 ** -4 : 2 ** -7,
    levels: 4,
    ...(fixed ? { tolerance: { atol: options.atol ?? 0, rtol: options.rtol ?? 0 } } : {}),
    entrywiseLimit: options.entrywiseLimit ?? 32,
    maxMismatches: options.maxMismatches ?? 8,
  };
}

/**
 * A float64 computation almost never lands every value exactly on a float32 value unless its
 * values are simple (0, 1, ½, small integers); a float32 one (tfjs, a Float32Array) always does.
 * Simple values alone say nothing, so at least one must need more than 12 significant bits. When
 * the output's values are all simple (a scalar loss can land on a few bits), `more` values (a
 * vjp's) are asked; with nothing to tell by, float64.
 */
export function arithmeticOf(output: ArrayLike<number>, more?: () => ArrayLike<number>): 'float64' | 'float32' {
  return evidence(output) ?? (more && evidence(more())) ?? 'float64';
}

function evidence(values: ArrayLike<number>): 'float64' | 'float32' | undefined {
  let intricate = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Math.fround(v) !== v) return 'float64';
    if (!intricate && v !== 0) intricate = Math.abs(v * 2 ** (12 - Math.floor(Math.log2(Math.abs(v))))) % 1 !== 0;
  }
  return intricate ? 'float32' : undefined;
}
