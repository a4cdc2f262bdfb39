import fc from 'fast-check';
import { type Differentiable, checkGradients, formatReport, fromLayer, isLayer } from '../check/index.js';
import { type LawOptions, type Subject, checkSameFailure, gradientsMatchFiniteDifferences, isOp } from '../laws/index.js';
import { isArbitrary } from '../arbitraries/index.js';
import { asDifferentiable } from '../autodiff/index.js';
import { opTarget } from '../ops/index.js';
import { type Tensor, formatShape, isTensor } from '../tensor/index.js';
import { describeFailure } from './replay.js';

export interface GradientMatcherOptions extends LawOptions {
  /** Generated cases (default 100, or fast-check's global numRuns). */
  numRuns?: number;
  /** Replay a failure: the seed and path a failure printed. */
  path?: string;
  /** Warn (console.warn) about coverage classes that never occurred among the generated cases. */
  coverage?: boolean;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * `expect(subject).toHaveCorrectGradients(inputs?, options?)`: at the given tensors, at cases drawn
 * from an arbitrary of input lists, or — with neither — at cases drawn from the subject's domain.
 * The subject is a Differentiable, an op, a layer ({ forward, backward }), or a plain function of
 * tensors built from ops.
 */
export function toHaveCorrectGradients(given: unknown, inputs?: readonly Tensor[] | fc.Arbitrary<Tensor[]>, options: GradientMatcherOptions = {}): MatcherResult {
  const received = asSubject(given);
  if (!isSubject(received)) {
    return fail(`toHaveCorrectGradients: expected a Differentiable ({ name, forward, vjp }) or an op made with defineOp, got ${describe(received)}`);
  }
  const name = received.name;
  if (Array.isArray(inputs)) {
    if (!inputs.every(isTensor)) return fail(`toHaveCorrectGradients(${name}): expected an array of Tensors or a fast-check arbitrary of them as inputs`);
    const target: Differentiable = isOp(received) ? opTarget(received) : received;
    const report = checkGradients(target, inputs, options);
    return { pass: report.ok, message: () => `expected ${name} ${report.ok ? 'not ' : ''}to have correct gradients\n\n${formatReport(report)}` };
  }
  if (inputs !== undefined && !isArbitrary(inputs)) {
    const got = isTensor(inputs) ? `a single tensor of shape ${formatShape(inputs.shape)} (write [x]: one tensor per input)` : describe(inputs);
    return fail(`toHaveCorrectGradients(${name}): expected an array of Tensors or a fast-check arbitrary of them as inputs, got ${got}`);
  }
  const { numRuns, seed, path, coverage, ...lawOptions } = options;
  if (numRuns !== undefined && !(Number.isInteger(numRuns) && numRuns >= 1)) {
    return fail(`toHaveCorrectGradients(${name}): numRuns must be a whole number of cases, at least 1, got ${numRuns} (zero cases would pass without checking anything)`);
  }
  let law;
  let details;
  try {
    law = gradientsMatchFiniteDifferences(received, inputs, lawOptions);
    details = checkSameFailure(law, {
      ...(numRuns !== undefined ? { numRuns } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(path !== undefined ? { path } : {}),
    });
  } catch (error) {
    // fast-check throws, rather than fails, when a case cannot even be generated.
    return fail(`toHaveCorrectGradients: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (coverage) for (const warning of law.coverage.warnings()) console.warn(`gradprop coverage (${name}): ${warning}`);
  if (details.failed) return { pass: false, message: () => describeFailure(name, details, inputs ? 'given' : 'domain') };
  return { pass: true, message: () => `expected ${name} not to have correct gradients, but all ${details.numRuns} generated cases agree with finite differences` };
}

function fail(message: string): MatcherResult {
  return { pass: false, message: () => message };
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
  return value === null || typeof value !== 'object' ? `${typeof value} ${String(value)}` : `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}
