/**
 * The result of a gradprop run: what `--json FILE` writes, and what the table, JUnit XML and HTML
 * report are made from. Field values are JSON (null, never undefined), so the file has every key.
 * The fields are documented where every report reads them (src/report/run.ts); these types narrow
 * them to what this version writes.
 */
import type { Diagnostics, Mode } from '../check/index.js';
import type { ModelCurves } from '../optim/index.js';
import type { ModuleError, PowerResult, ReportedLaw, ReportedRun, ReportedTarget, SkippedExport } from '../report/run.js';
import type { Kind } from './targets.js';

export type { ModuleError, PowerResult, SkippedExport };

/** `error`: the target threw, or the law could not run; `skipped`: the law does not apply. */
export type LawVerdict = 'pass' | 'fail' | 'error' | 'skipped';

export interface LawResult extends ReportedLaw {
  verdict: LawVerdict;
  diagnostics: Diagnostics | null;
}

export interface TargetResult extends ReportedTarget {
  kind: Kind;
  verdict: 'pass' | 'fail' | 'error';
  laws: LawResult[];
}

export interface RunResult extends ReportedRun {
  command: 'verify' | 'check';
  modules: string[];
  options: ReportedRun['options'] & { mode: Mode; path: string | null };
  exitCode: 0 | 1 | 2;
  summary: { targets: number; laws: number; passed: number; failed: number; errors: number; skipped: number };
  targets: TargetResult[];
  skipped: SkippedExport[];
  moduleErrors: ModuleError[];
  power: PowerResult[];
  curves: (ModelCurves & { id: string })[];
}

export function jsonText(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
