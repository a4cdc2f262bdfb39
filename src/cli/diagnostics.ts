/**
 * The pictures' data for a failing law: the checker's diagnosis of the shrunk counterexample,
 * focused on the comparison the law failed on. A target that cannot even be evaluated there gets
 * none (its law result already says why).
 */
import { type Diagnostics, type GradCheckReport, diagnose } from '../check/index.js';
import type { Case } from '../laws/index.js';
import type { Mode } from '../check/index.js';

/** The diagnosis of a failing law's counterexample `c` at its seed, or null when the target cannot be evaluated there. */
export function diagnoseFailure(c: Case, seed: number, mode: Mode, report?: GradCheckReport): Diagnostics | null {
  // the pictures are of the first order; a failure of the second is of the vjp, at a cotangent of its own
  if (report?.order === 2) return null;
  const worst = report?.worst;
  try {
    return diagnose(c.target, c.inputs, { seed, mode, ...(worst && worst.input !== null ? { focus: worst } : {}), ...(report?.precision ? { precision: report.precision } : {}) });
  } catch {
    return null;
  }
}
