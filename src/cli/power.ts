/** --power: how many bugs planted in each target's vjp the checks catch, by src/power. */
import type { Mode } from '../check/index.js';
import { checkPower, formatPowerReport } from '../power/index.js';
import { thrown } from './describe.js';
import type { PowerResult } from './json.js';
import { notMeasured } from './power-result.js';
import type { Target } from './targets.js';

/** The power of a target's gradient test with the run's cases, seed and mode (for a target with `power`). */
export function powerOf(target: Target & Required<Pick<Target, 'power'>>, { runs, seed, mode }: { runs: number; seed: number; mode: Mode }): PowerResult {
  try {
    const report = checkPower(target.power.subject, target.power.inputs, { numRuns: runs, seed, mode });
    return { id: target.id, module: target.module ?? null, ok: report.ok, text: formatPowerReport(report), report };
  } catch (error) {
    // A case that cannot even be generated (a domain that throws) stops fast-check, not just the case.
    return notMeasured(target, thrown(error));
  }
}
