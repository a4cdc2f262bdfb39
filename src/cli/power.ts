/**
 * --power: how many deliberately broken variants of each target the checks catch (src/power).
 * src/power is loaded when --power is asked for, so the rest of the CLI does not depend on it.
 */
import type fc from 'fast-check';
import type { Subject } from '../laws/index.js';
import type { Tensor } from '../tensor/index.js';
import type { CliOptions } from './args.js';
import type { PowerResult } from './json.js';
import type { Target } from './targets.js';

/** src/power's report, as far as the CLI reads it. */
interface PowerReport {
  target: string;
  ok: boolean;
}

interface PowerModule {
  checkPower(subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, options?: object): PowerReport;
  formatPowerReport(report: PowerReport): string;
}

export async function runPower(targets: readonly Target[], options: Pick<CliOptions, 'seed' | 'runs'>): Promise<PowerResult[]> {
  const power = (await import(new URL('../power/index.ts', import.meta.url).href)) as PowerModule;
  return targets.flatMap((target) => {
    if (!target.power) return [];
    const report = power.checkPower(target.power.subject, target.power.inputs, { seed: options.seed, numRuns: options.runs });
    return [{ id: target.id, module: target.module ?? null, ok: report.ok, text: power.formatPowerReport(report), report }];
  });
}
