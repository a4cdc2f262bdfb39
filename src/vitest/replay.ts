import type fc from 'fast-check';
import { type Case, LawViolation, type SameFailureDetails, caseCode, describeOtherFailure } from '../laws/index.js';

/** What a failing generated run reports: the violation, its shrunk case, and how to replay both. */
export function describeFailure(subject: string, details: SameFailureDetails<[Case, number]>, inputs: 'given' | 'domain'): string {
  const [c, seed] = details.counterexample!;
  const error = details.errorInstance;
  const violation = error instanceof LawViolation ? error : undefined;
  const replay = `{ seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)} }`;
  return [
    `expected ${subject} to have correct gradients, but ${violation ? violation.detail : String(error)}`,
    '',
    `counterexample (after ${details.numRuns} cases, shrunk ${details.numShrinks} times): ${caseCode(c)}`,
    ...(details.otherFailure === undefined ? [] : [`(${describeOtherFailure(details.otherFailure)})`]),
    ...(violation?.report ? ['', violation.report && formatTable(violation)] : []),
    '',
    `replay: toHaveCorrectGradients(${inputs === 'given' ? '<the same arbitrary>' : 'undefined'}, ${replay})`,
    '',
    'as a test of its own:',
    pasteReadyTest(c, seed, subject),
  ].join('\n');
}

function formatTable(violation: LawViolation): string {
  return violation.message.slice(violation.message.indexOf('\n\n') + 2);
}

/**
 * A vitest test that checks exactly this case: inputs written to the last bit, the same probe seed
 * (and order 2 when the failure was the second order's).
 */
export function pasteReadyTest(c: Case, seed: number, subject: string, order: 1 | 2 = 1): string {
  const name = /^[A-Za-z_$][\w$]*$/.test(subject) ? subject : 'target';
  const target = c.attrs === undefined ? name : `opTarget(${name}, ${JSON.stringify(c.attrs)})`;
  return [
    `import { tensor${c.attrs === undefined ? '' : ', opTarget'} } from 'gradprop';`,
    `test(${JSON.stringify(`${c.target.name}: shrunk counterexample`)}, () => {`,
    `  expect(${target}).toHaveCorrectGradients(${caseCode({ ...c, attrs: undefined })}, { seed: ${seed}${order === 2 ? ', order: 2' : ''} });`,
    '});',
  ].join('\n');
}
