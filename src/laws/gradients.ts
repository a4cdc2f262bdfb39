import { checkGradients } from '../check/index.js';
import { defineLaw } from './law.js';
import { LawViolation } from './violation.js';

/** The analytic derivatives agree with finite differences (a kink's one-sided derivative is fine). */
export const gradientsMatchFiniteDifferences = defineLaw('gradientsMatchFiniteDifferences', (c, seed, { draw: _, onReport, ...options }) => {
  const report = checkGradients(c.target, c.inputs, { ...options, seed: options.seed ?? seed });
  onReport?.(report);
  if (!report.ok) {
    const detail = report.message.startsWith(`${c.target.name}: `) ? report.message.slice(c.target.name.length + 2) : report.message;
    throw new LawViolation('gradientsMatchFiniteDifferences', c, detail, report);
  }
});
