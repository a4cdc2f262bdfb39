/** --power: how many bugs planted in each target's vjp the checks catch, by src/power. */
import { checkPower, formatPowerReport } from '../power/index.js';
import type { CliOptions } from './args.js';
import { thrown, where } from './describe.js';
import type { PowerResult } from './json.js';
import type { Target } from './targets.js';

/** One report per target that can be checked, with the run's cases, seed and mode. */
export function runPower(targets: readonly Target[], { runs, seed, mode }: Pick<CliOptions, 'runs' | 'seed' | 'mode'>): PowerResult[] {
  return targets.flatMap((target): PowerResult[] => {
    if (!target.power) return [];
    const head = { id: target.id, module: target.module ?? null };
    try {
      const report = checkPower(target.power.subject, target.power.inputs, { numRuns: runs, seed, mode });
      return [{ ...head, ok: report.ok, text: formatPowerReport(report), report }];
    } catch (error) {
      // A case that cannot even be generated (a domain that throws) stops fast-check, not just the case.
      return [{ ...head, ok: false, text: `power of the gradient test of ${target.name}: not measured — ${where(target)}: ${thrown(error)}`, report: null }];
    }
  });
}
