import fc from 'fast-check';
import { opInputs, type OpInputsOptions } from '../arbitraries/index.js';
import type { Differentiable } from '../check/index.js';
import { type AnyOp, opTarget } from '../ops/index.js';
import type { Domain } from '../ops/domain.js';
import { describeValue } from '../autodiff/index.js';
import { type Tensor, formatShape, isTensor } from '../tensor/index.js';

/** One generated case of a law: a target and the inputs to check it at. */
export interface Case {
  target: Differentiable;
  inputs: Tensor[];
  /** An op's attributes, when the target is an op. */
  attrs?: unknown;
  /** Where the target is not differentiable, from its domain: for coverage labels. */
  kinks?: Domain<unknown>['kinks'];
}

/** What a law can be asked about: a checker target, an op, or a target carrying its own domain. */
export type Subject = Differentiable | AnyOp | (Differentiable & { domain: Domain<undefined> });

/** Whether a value is an op made with defineOp (a function carrying its rules and domain). */
export function isOp(subject: unknown): subject is AnyOp {
  return typeof subject === 'function' && 'apply' in subject && 'domain' in subject;
}

/**
 * The generated cases of a subject. Inputs, when given, are an arbitrary of tensor lists; otherwise
 * they are drawn from the subject's domain (an op's, or one a target carries).
 */
export function casesOf(subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, draw?: OpInputsOptions): fc.Arbitrary<Case> {
  return rawCases(subject, inputs, draw).map(printable);
}

/** fast-check prints a counterexample with this: the target's name and the inputs as code. */
function printable(c: Case): Case {
  return Object.defineProperty(c, fc.toStringMethod, { value: () => `${c.target.name} at ${caseCode(c)}`, enumerable: false });
}

function rawCases(subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, draw?: OpInputsOptions): fc.Arbitrary<Case> {
  if (isOp(subject)) {
    if (inputs) return inputs.map((xs) => ({ target: opTarget(subject), inputs: inputList(subject.name, xs), kinks: subject.domain.kinks }));
    return opInputs(subject.domain, draw).map(({ inputs: xs, attrs }) => ({ target: opTarget(subject, attrs), inputs: xs, attrs, kinks: subject.domain.kinks }));
  }
  if (inputs) return inputs.map((xs) => ({ target: subject, inputs: inputList(subject.name, xs) }));
  const domain = (subject as { domain?: Domain<undefined> }).domain;
  if (!domain) {
    throw new TypeError(`${subject.name}: no inputs to check it at — pass an arbitrary of input lists, or give the target a domain`);
  }
  return opInputs(domain, draw).map(({ inputs: xs }) => ({ target: subject, inputs: xs, kinks: domain.kinks }));
}

/** Generated inputs must be a list of tensors, one per input: say so where fast-check would crash later. */
function inputList(name: string, xs: unknown): Tensor[] {
  if (Array.isArray(xs) && xs.every(isTensor)) return xs;
  const got = isTensor(xs) ? `a single tensor of shape ${formatShape(xs.shape)}` : Array.isArray(xs) ? `a list whose input ${xs.findIndex((x) => !isTensor(x))} is not a tensor` : describeValue(xs);
  throw new TypeError(`${name}: the inputs arbitrary must generate a list of tensors, one per input — fc.tuple(tensorOf([3])), not tensorOf([3]) — but it generated ${got}`);
}

/** A case as code: the inputs and attributes exactly, to paste into a test. */
export function caseCode(c: Case): string {
  const inputs = `[${c.inputs.map((x) => (isTensor(x) ? String(x) : JSON.stringify(x))).join(', ')}]`;
  return c.attrs === undefined ? inputs : `${inputs} with attrs ${JSON.stringify(c.attrs)}`;
}
