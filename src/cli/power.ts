/** --power: how many bugs planted in each target's vjp the checks catch, by src/power. */
import { checkPower, formatPowerReport } from '../power/index.js';
import type { CliOptions } from './args.js';
import type { PowerResult } from './json.js';
import type { Target } from './targets.js';

/** One report per target that can be checked, with the run's cases, seed and mode. */
export function runPower(targets: readonly Target[], { runs, seed, mode }: Pick<CliOptions, 'runs' | 'seed' | 'mode'>): PowerResult[] {
  return targets.flatMap((target) => {
    if (!target.power) return [];
    const report = checkPower(target.power.subject, target.power.inputs, { numRuns: runs, seed, mode });
    return [{ id: target.id, module: target.module ?? null, ok: report.ok, text: formatPowerReport(report), report }];
  });
}
