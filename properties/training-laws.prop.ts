/**
 * The shared law sgdStepDescends (src/laws) on every zoo model: (L(θ) − L(θ − ηg)) / (η‖g‖²) → 1
 * and a small step strictly lowers the loss. Kept apart from training.prop.ts, which checks the
 * same with the project's own sgd optimiser.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import type { Differentiable } from '../src/check/index.js';
import { sgdStepDescends } from '../src/laws/index.js';
import { Tensor } from '../src/tensor/index.js';
import { anyModelCase, mustFail, targetOf } from './zoo-cases.js';

const anyModel = anyModelCase();

/** The shared law, on each generated case's checker target (sizes vary, so one law run per case). */
function lawHolds(negate = false) {
  return fc.property(anyModel, fc.nat(), (c, seed) => {
    const { target, inputs } = targetOf(c);
    const subject: Differentiable = negate
      ? { ...target, vjp: (xs, g) => target.vjp(xs, g).map((t) => new Tensor(t.data.map((v) => -v), t.shape)) }
      : target;
    const details = fc.check(sgdStepDescends(subject, fc.constant(inputs)), { numRuns: 1, seed }) as fc.RunDetails<unknown>;
    if (details.failed) throw details.errorInstance;
  });
}

describe('sgdStepDescends', () => {
  test('holds for every zoo model\'s asDifferentiable(batch), at generated sizes', () => {
    fc.assert(lawHolds(), { numRuns: 60 });
  });
  test('broken twin: a target whose gradient points uphill fails it', () => {
    mustFail(lawHolds(true));
  });
});
