import type { Mode } from './report.js';

export interface CheckOptions {
  /** 'auto' (default): fast probes, then localise any failure to entries. */
  mode?: Mode;
  /** Seeds the random probe directions; the same seed replays the same check. */
  seed?: number;
  /** Random cotangents per check in fast and auto mode. */
  probes?: number;
  /** Arithmetic of the target: sets the rounding unit the tolerance budgets for. */
  precision?: 'float64' | 'float32';
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

export function resolveOptions(options: CheckOptions = {}): Settings {
  const float32 = options.precision === 'float32';
  const fixed = options.atol !== undefined || options.rtol !== undefined;
  return {
    mode: options.mode ?? 'auto',
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
