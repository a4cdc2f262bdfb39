/**
 * Reusable fast-check properties of a target or an op: gradients against finite differences,
 * jvp/vjp duality, linearity, purity, Taylor remainders, descent, BPTT's sums over time.
 *
 * @module gradprop/laws
 */
export { type Case, type Subject, casesOf, caseCode, isOp } from './cases.js';
export { Coverage } from './coverage.js';
export { type Law, type LawBody, type LawFactory, type LawOptions, defineLaw } from './law.js';
export { LawViolation } from './violation.js';
export { gradientsMatchFiniteDifferences } from './gradients.js';
export { forwardOverReverseMatchesReverseOverReverse, jvpMatchesVjp } from './duality.js';
export { vjpIsLinear } from './linearity.js';
export { isPure } from './purity.js';
export { secondOrderTaylorRemainder, taylorRemainder } from './taylor.js';
export { hessianIsSymmetric, softmaxCrossEntropyHessian } from './second-order.js';
export { sgdStepDescends } from './descent.js';
export * from './bptt.js';
export { type SameFailureDetails, checkSameFailure, describeOtherFailure, failureKind } from './same-failure.js';
