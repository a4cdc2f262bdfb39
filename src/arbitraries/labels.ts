import type { Tensor } from '../tensor/index.js';

/**
 * Coverage classes of a sample, one label per family. A law counts them over a run and warns
 * about a class that never occurred: a gradient never checked on negative inputs is unchecked there.
 */
export const LABELS = {
  sign: ['all positive', 'all negative', 'mixed', 'has zero'],
  magnitude: ['<1e-3', '1e-3..1', '1..1e3', '>1e3'],
  shape: ['scalar', 'has size-1 dim', 'vector', 'matrix', 'rank>=3'],
  kink: ['at kink', '<1e-6', '<1e-3', 'far'],
} as const;

/** The signs a case's entries have, for coverage. */
export type SignLabel = (typeof LABELS.sign)[number];
/** The band of a case's largest magnitude, for coverage. */
export type MagnitudeLabel = (typeof LABELS.magnitude)[number];
/** The class of a case's shapes, for coverage. */
export type ShapeLabel = (typeof LABELS.shape)[number];
/** How close a case comes to its nearest kink, for coverage. */
export type KinkLabel = (typeof LABELS.kink)[number];

/** Over every entry of every input; no entries at all count as 'has zero'. */
export function signLabel(inputs: readonly Tensor[]): SignLabel {
  let positive = false;
  let negative = false;
  for (const t of inputs) {
    for (const x of t.data) {
      if (x === 0) return 'has zero';
      if (x > 0) positive = true;
      else negative = true;
    }
  }
  return positive && negative ? 'mixed' : positive ? 'all positive' : negative ? 'all negative' : 'has zero';
}

/** By the largest |x| over every input (NaN counts as the largest). */
export function magnitudeLabel(inputs: readonly Tensor[]): MagnitudeLabel {
  let largest = 0;
  for (const t of inputs) for (const x of t.data) largest = Math.max(largest, Math.abs(x));
  return Number.isNaN(largest) || largest > 1e3 ? '>1e3' : largest > 1 ? '1..1e3' : largest >= 1e-3 ? '1e-3..1' : '<1e-3';
}

/** 'has size-1 dim' wins, since that is where broadcasting goes wrong; otherwise by the largest rank. */
export function shapeLabel(inputs: readonly Tensor[]): ShapeLabel {
  if (inputs.some((t) => t.shape.includes(1))) return 'has size-1 dim';
  const rank = Math.max(0, ...inputs.map((t) => t.rank));
  return rank === 0 ? 'scalar' : rank === 1 ? 'vector' : rank === 2 ? 'matrix' : 'rank>=3';
}

/** By the smallest |x − at| over the kinks of each input (a domain's `kinks`); no kinks is 'far'. */
export function kinkLabel(inputs: readonly Tensor[], kinks: readonly { input: number; at: number }[] = []): KinkLabel {
  let nearest = Infinity;
  for (const { input, at } of kinks) {
    for (const x of inputs[input]?.data ?? []) nearest = Math.min(nearest, Math.abs(x - at));
  }
  return nearest === 0 ? 'at kink' : nearest < 1e-6 ? '<1e-6' : nearest < 1e-3 ? '<1e-3' : 'far';
}

/** A case's coverage classes, one per family. */
export interface SampleLabels {
  sign: SignLabel;
  magnitude: MagnitudeLabel;
  shape: ShapeLabel;
  kink: KinkLabel;
}

/** Every coverage class of a case's inputs. */
export function labels(inputs: readonly Tensor[], kinks?: readonly { input: number; at: number }[]): SampleLabels {
  return { sign: signLabel(inputs), magnitude: magnitudeLabel(inputs), shape: shapeLabel(inputs), kink: kinkLabel(inputs, kinks) };
}
