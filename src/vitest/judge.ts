import type fc from 'fast-check';
import { isArbitrary } from '../arbitraries/index.js';
import { asDifferentiable } from '../autodiff/index.js';
import { type Differentiable, type GradCheckReport, type Layer, checkGradients, formatReport, fromLayer, isLayer } from '../check/index.js';
import { type LawOptions, LawViolation, type Subject, checkSameFailure, gradientsMatchFiniteDifferences, isOp } from '../laws/index.js';
import { opTarget } from '../ops/index.js';
import { type Tensor, formatShape, isTensor } from '../tensor/index.js';
import type { WrittenSubject } from './call-site.js';
import { type Runner, describeFailure, namedSubject } from './replay.js';

/** Options of every gradient assertion: the checker's and the laws', and how many cases to generate. */
export interface GradientAssertionOptions extends LawOptions {
  /** Generated cases (default 100, or fast-check's global numRuns). */
  numRuns?: number;
  /** Replay a failure: the seed and path a failure printed. */
  path?: string;
  /** Warn (console.warn) about coverage classes that never occurred among the generated cases. */
  coverage?: boolean;
}

/** What a gradient assertion checks: a Differentiable, an op, a hand-written layer, or a function of tensors built from ops. */
export type GradientSubject = Differentiable | Layer | ((...inputs: Tensor[]) => Tensor);

/** Tensors to check at, or a fast-check arbitrary of input lists to generate them. */
export type GradientInputs = readonly Tensor[] | fc.Arbitrary<Tensor[]>;

/**
 * What an assertion found. `correct` and `wrong` mean the gradients were checked; `unchecked` means
 * they could not be (not a subject, bad inputs, a target that throws or breaks its contract, a
 * verdict of 'error' or 'inconclusive'): neither the assertion nor its negation holds.
 */
export interface Judgement {
  outcome: 'correct' | 'wrong' | 'unchecked';
  /** The subject's name, as messages call it. */
  name: string;
  /** What was found, to follow "expected <name> (not) to have correct gradients, but ". */
  detail: string;
  /** The checker's report at the given inputs, or at the shrunk counterexample. */
  report?: GradCheckReport;
}

/** Who asks: the runner a pasted test is written for, and where the user wrote the subject. */
export interface Face {
  runner: Runner;
  /** The subject as written at the assertion, read only when a failure prints a test. */
  site(): WrittenSubject | undefined;
}

/**
 * The matcher core every face shares (vitest, jest, assertGradients, gradTest): checks a subject's
 * gradients at the given tensors, at cases drawn from an arbitrary of input lists, or — with
 * neither — at cases drawn from the subject's domain. The subject is a Differentiable, an op, a
 * layer ({ forward, backward }), or a plain function of tensors built from ops.
 */
export function judgeGradients(given: unknown, inputs: GradientInputs | undefined, options: GradientAssertionOptions, face: Face): Judgement {
  const received = asSubject(given);
  if (!isSubject(received)) {
    return unchecked(describe(given), `it is not something gradprop can check: expected a Differentiable ({ name, forward, vjp }), an op made with defineOp, a layer ({ forward, backward }) or a function of tensors, got ${describe(received)}`);
  }
  if (Array.isArray(inputs)) return judgeAt(received, inputs, options);
  if (inputs !== undefined && !isArbitrary(inputs)) {
    const got = isTensor(inputs) ? `a single tensor of shape ${formatShape(inputs.shape)} (write [x]: one tensor per input)` : describe(inputs);
    return unchecked(received.name, `expected an array of Tensors or a fast-check arbitrary of them as inputs, got ${got}`);
  }
  return judgeGenerated(received, inputs, options, face);
}

/** One check, at the given tensors. */
function judgeAt(subject: Subject, inputs: readonly unknown[], options: GradientAssertionOptions): Judgement {
  const name = subject.name;
  if (!inputs.every(isTensor)) return unchecked(name, 'expected an array of Tensors or a fast-check arbitrary of them as inputs');
  const target: Differentiable = isOp(subject) ? opTarget(subject) : subject;
  const report = checkGradients(target, inputs, options);
  const outcome = report.ok ? 'correct' : report.verdict === 'fail' ? 'wrong' : 'unchecked';
  // The report's message starts with the target's name, which the assertion's message already said.
  const found = report.ok ? 'they agree with finite differences at the given inputs' : report.message.replace(`${target.name}: `, '');
  return { outcome, name, detail: `${found}\n\n${formatReport(report)}`, report };
}

/** Generated cases, shrunk to the failure first found: from an arbitrary, or from the subject's domain. */
function judgeGenerated(subject: Subject, inputs: fc.Arbitrary<Tensor[]> | undefined, options: GradientAssertionOptions, face: Face): Judgement {
  const name = subject.name;
  const { numRuns, seed, path, coverage, ...lawOptions } = options;
  if (numRuns !== undefined && !(Number.isInteger(numRuns) && numRuns >= 1)) {
    return unchecked(name, `numRuns must be a whole number of cases, at least 1, got ${numRuns} (zero cases would pass without checking anything)`);
  }
  let law;
  let details;
  try {
    law = gradientsMatchFiniteDifferences(subject, inputs, lawOptions);
    details = checkSameFailure(law, {
      ...(numRuns !== undefined ? { numRuns } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(path !== undefined ? { path } : {}),
    });
  } catch (error) {
    // fast-check throws, rather than fails, when a case cannot even be generated.
    return unchecked(name, error instanceof Error ? error.message : String(error));
  }
  if (coverage) for (const warning of law.coverage.warnings()) console.warn(`gradprop coverage (${name}): ${warning}`);
  if (!details.failed) return { outcome: 'correct', name, detail: `all ${details.numRuns} generated cases agree with finite differences` };
  const error = details.errorInstance;
  const report = error instanceof LawViolation ? error.report : undefined;
  return {
    outcome: report?.verdict === 'fail' ? 'wrong' : 'unchecked',
    name,
    detail: describeFailure(details, inputs ? 'given' : 'domain', face.runner, face.site() ?? namedSubject(name)),
    ...(report ? { report } : {}),
  };
}

/** The message of an assertion that did not hold: `negated` for "not to have correct gradients". */
export function failureMessage({ outcome, name, detail, report }: Judgement, negated: boolean): string {
  if (!negated) return `expected ${name} to have correct gradients, but ${detail}`;
  // an inconclusive check was made, and says itself that it cannot tell
  const why = outcome === 'unchecked' && report?.verdict !== 'inconclusive' ? `it could not be checked: ${detail}` : detail;
  return `expected ${name} not to have correct gradients, but ${why}`;
}

function unchecked(name: string, detail: string): Judgement {
  return { outcome: 'unchecked', name, detail };
}

/**
 * A layer with forward and backward methods is checked through fromLayer; a plain function of
 * tensors built from gradprop's ops — `(x, w) => sum(tanh(matmul(x, w)))` — through the engine,
 * as people write them before they think of a Differentiable.
 */
function asSubject(value: unknown): unknown {
  if (isLayer(value)) return fromLayer(value);
  if (typeof value !== 'function' || isOp(value)) return value;
  return asDifferentiable(value.name || 'function', value as (...xs: Tensor[]) => Tensor);
}

function isSubject(value: unknown): value is Subject {
  if (isOp(value)) return true;
  const t = value as Partial<Differentiable> | null;
  return typeof t === 'object' && t !== null && typeof t.name === 'string' && typeof t.forward === 'function' && typeof t.vjp === 'function';
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value !== 'object' ? `${typeof value} ${String(value)}` : `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}
