import { where } from './describe.js';
import type { PowerResult } from './json.js';

/** A power report that could not be made, and why (it fails the run): the power check threw, timed out or ended its worker. */
export function notMeasured(target: { id: string; name: string; module?: string }, why: string): PowerResult {
  return { id: target.id, module: target.module ?? null, ok: false, text: `power of the gradient test of ${target.name}: not measured — ${where(target)}: ${why}`, report: null };
}
