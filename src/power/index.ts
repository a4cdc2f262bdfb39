/**
 * How strong is a gradient test? Bugs planted in the target's own vjp, run against the test as
 * configured; what it misses, and why.
 *
 * @module gradprop/power
 */
export type { PerturbationResult, PowerOptions, PowerReport } from './report.js';
export { checkPower } from './checkPower.js';
export { formatPowerReport } from './format.js';
export { type Perturbation, perturbations } from './perturbations.js';
