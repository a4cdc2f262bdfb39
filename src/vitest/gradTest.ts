import { fc, test } from '@fast-check/vitest';
import { checkGradients } from '../check/index.js';
import { type Case, type LawOptions, LawViolation, type Subject, casesOf } from '../laws/index.js';
import type { Tensor } from '../tensor/index.js';

export interface GradTestOptions extends LawOptions {
  /** Input lists to check at; default: drawn from the subject's domain. */
  inputs?: fc.Arbitrary<Tensor[]>;
  /** fast-check parameters: numRuns, seed, path, … */
  params?: Pick<fc.Parameters, 'numRuns' | 'seed' | 'path' | 'verbose' | 'endOnFailure'>;
}

/**
 * A vitest test that checks a subject's gradients on generated cases, built on @fast-check/vitest's
 * `test.prop`: a failure is shrunk, and reported with the seed and path that replay it.
 */
export function gradTest(name: string, subject: Subject, { inputs, params, draw, ...options }: GradTestOptions = {}): void {
  test.prop([casesOf(subject, inputs, draw), fc.nat()], params)(name, (c, seed) => checkCase(c, seed, options));
}

/** One case of a gradTest: throws a LawViolation with the report when the gradients are wrong. */
export function checkCase(c: Case, seed: number, options: LawOptions = {}): void {
  const report = checkGradients(c.target, c.inputs, { ...options, seed: options.seed ?? seed });
  if (!report.ok) throw new LawViolation('gradTest', c, report.message, report);
}
