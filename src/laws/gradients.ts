import { checkGradients } from '../check/index.js';
import { defineLaw } from './law.js';
import { LawViolation } from './violation.js';

/** The analytic derivatives agree with finite differences (a kink's one-sided derivative is fine). */
export const gradientsMatchFiniteDifferences = defineLaw('gradientsMatchFiniteDifferences', (c, seed, { draw: _, ...options }) => {
  const report = checkGradients(c.target, c.inputs, { ...options, seed: options.seed ?? seed });
  if (!report.ok) throw new LawViolation('gradientsMatchFiniteDifferences', c, report.message, report);
});
