import { type GradCheckReport, formatReport } from '../check/index.js';
import { type Case, caseCode } from './cases.js';

/** A law broken by a case: says which law, which target, what went wrong, and at which inputs. */
export class LawViolation extends Error {
  override readonly name = 'LawViolation';

  constructor(
    readonly law: string,
    readonly counterexample: Case,
    readonly detail: string,
    readonly report?: GradCheckReport,
  ) {
    const table = report ? `\n\n${formatReport(report)}` : '';
    super(`${law} violated by ${counterexample.target.name}: ${detail}\ninputs: ${caseCode(counterexample)}${table}`);
  }
}
