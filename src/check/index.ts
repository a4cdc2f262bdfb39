export type { Differentiable } from './differentiable.js';
export type { CheckOptions } from './options.js';
export type { Comparison, GradCheckReport, Mode, Problem, Verdict } from './report.js';
export { checkGradients } from './checkGradients.js';
export { formatReport, describeComparison } from './format.js';
export { roundingTolerance } from './compare.js';
export { randomProbe, dot, absDot } from './space.js';
export { type Layer, type LayerOptions, fromLayer, isLayer } from './layer.js';
export { type DiagnoseOptions, type Diagnostics, type EntryMap, type StepSweep, DIAGNOSED_ENTRIES, diagnose } from './diagnose.js';
