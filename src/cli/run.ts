import fc from 'fast-check';
import { type Comparison, formatReport } from '../check/index.js';
import { type Case, LawViolation, type SameFailureDetails, caseCode, checkSameFailure, describeOtherFailure } from '../laws/index.js';
import { exportedSubject, pasteReadyTest } from '../vitest/replay.js';
import type { CliOptions } from './args.js';
import { noEvaluations } from './counted.js';
import { frame, thrown, where } from './describe.js';
import type { LawResult, TargetResult } from './json.js';
import type { Progress } from './progress.js';
import { type Invocation, replayCommand } from './replay.js';
import type { LawRun, Target } from './targets.js';

export interface RunContext {
  invocation: Invocation;
  options: CliOptions;
  progress: Progress;
  cwd: string;
}

/** Run every selected law on every target with fc.check, so each failure has a seed and a path. */
export function runTargets(targets: readonly Target[], context: RunContext): TargetResult[] {
  const lawsOf = (target: Target) => target.laws.filter((run) => context.options.law === undefined || run.law === context.options.law);
  const total = targets.reduce((n, target) => n + lawsOf(target).length, 0);
  let done = 0;
  const results = targets.map((target): TargetResult => {
    const head = { id: target.id, name: target.name, kind: target.kind, module: target.module ?? null };
    if (target.error !== undefined) return { ...head, verdict: 'error', message: target.error, laws: [] };
    const laws = lawsOf(target).map((run) => {
      context.progress.step(done++, total, `${target.id} ${run.law}`);
      return runLaw(target, run, context);
    });
    return { ...head, verdict: laws.some((l) => l.verdict === 'fail' || l.verdict === 'error') ? 'fail' : 'pass', message: null, laws };
  });
  context.progress.end();
  return results;
}

function runLaw(target: Target, run: LawRun, { invocation, options, cwd }: RunContext): LawResult {
  const result: LawResult = {
    law: run.law,
    verdict: 'pass',
    cases: 0,
    shrinks: 0,
    worst: null,
    evaluations: noEvaluations(),
    timeMs: 0,
    seed: options.seed,
    path: null,
    replay: null,
    message: null,
    counterexample: null,
    report: null,
    test: null,
  };
  if (run.skip !== undefined || !run.property) return { ...result, verdict: 'skipped', message: run.skip ?? null };
  const probe = {
    evaluations: result.evaluations,
    observe: ({ worst }: { worst?: Comparison }) => {
      if (worst && (!result.worst || closeness(worst) > closeness(result.worst))) result.worst = worst;
    },
    options: { mode: options.mode },
  };
  const started = performance.now();
  let details: SameFailureDetails<unknown[]>;
  try {
    details = checkSameFailure(run.property(probe), { numRuns: options.runs, seed: options.seed, ...(options.path === undefined ? {} : { path: options.path }) });
  } catch (error) {
    // fast-check throws, rather than fails, when a case cannot even be generated (a domain or sampleBatch that throws).
    return { ...result, verdict: 'error', timeMs: performance.now() - started, message: `${where(target)}: ${run.law} could not generate a case: ${thrown(error)}${frame(error, cwd)}` };
  }
  result.timeMs = performance.now() - started;
  result.cases = details.numRuns;
  if (!details.failed) return result;

  const error = details.errorInstance;
  const violation = error instanceof LawViolation ? error : undefined;
  const [first, seed] = details.counterexample ?? [];
  const c = isCase(first) ? first : undefined;
  const path = details.counterexamplePath ?? '';
  const verdict = verdictOf(run.law, error);
  const detail = violation ? violation.detail : verdict === 'fail' ? (error as Error).message : `the target threw ${thrown(error)}${frame(error, cwd)}`;
  const other = describeOtherFailure(details.otherFailure);
  return {
    ...result,
    verdict,
    shrinks: details.numShrinks,
    worst: violation?.report?.worst ?? result.worst,
    path,
    replay: replayCommand(invocation, target, run.law, details.seed, path),
    message: `${where(target)}: ${run.law} fails: ${detail}${other ? `\n  (${other})` : ''}`,
    counterexample: c ? caseCode(c) : fc.stringify(first),
    report: violation?.report ? formatReport(violation.report) : null,
    test: c && target.pasteName && violation?.report ? pasteReadyTest(c, seed as number, exportedSubject(target.pasteName, target.module), 'vitest') : null,
  };
}

/**
 * 'error' when the target could not be evaluated (it threw, or gave no tensor) rather than being
 * wrong. The BPTT law reports with plain Errors that start with its own name.
 */
function verdictOf(law: string, error: unknown): 'fail' | 'error' {
  if (error instanceof LawViolation) return error.report?.verdict === 'error' ? 'error' : 'fail';
  return error instanceof Error && error.message.startsWith(law) ? 'fail' : 'error';
}

/** How close a comparison came to failing: its error as a fraction of its tolerance. */
function closeness(c: Comparison): number {
  if (c.verdict === 'fail') return Infinity;
  return c.tolerance > 0 ? c.absError / c.tolerance : c.absError > 0 ? Infinity : 0;
}

function isCase(value: unknown): value is Case {
  return typeof value === 'object' && value !== null && 'target' in value && Array.isArray((value as Case).inputs);
}
