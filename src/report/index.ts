// gradprop/report: the HTML report of a run, rendered from the JSON `gradprop --json` writes.
export type { ModuleError, PowerResult, ReportedLaw, ReportedRun, ReportedTarget, SkippedExport } from './run.js';
export { asRun } from './run.js';
export { renderHtml } from './page.js';
export { mergeRuns } from './merge.js';
