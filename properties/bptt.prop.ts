/**
 * Backpropagation through time, as the notes put it: the gradient of a shared weight is the sum of
 * the contributions "from different time steps", accumulated as we step back through time. Checked
 * by unrolling with an untied copy of every shared weight per step (src/laws/bptt.ts), for the
 * Elman network (autodiff and the hand-written BPTT), the LSTM and the GRU; and truncated BPTT.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { valueAndGrad } from '../src/autodiff/index.js';
import { type Sequence, bpttSumsOverTimeSteps, truncatedLossAndGrad, untiedGradients } from '../src/laws/bptt.js';
import { reshape, slice } from '../src/ops/index.js';
import type { Tensor } from '../src/tensor/index.js';
import { type LossAndGrad, type Params, type RecurrentModel, elmanBptt, zoo } from '../src/zoo/index.js';
import { type RecurrentModelCase, gradDistance, recurrentCases, mustFail } from './zoo-cases.js';

/** A gradient computed the wrong way: the shared weights get only the last step's contribution. */
function lastStepOnly(model: RecurrentModel<any>) {
  return (params: Params, batch: Sequence): LossAndGrad => {
    const { loss, perStep, unshared } = untiedGradients(model, params, batch);
    return { loss, grads: { ...unshared, ...perStep[perStep.length - 1]! } };
  };
}

const models = [
  { name: 'elman', model: zoo.elman, sizes: {} },
  { name: 'lstm', model: zoo.lstm, sizes: { maxSteps: 4, maxHidden: 3 } },
  { name: 'gru', model: zoo.gru, sizes: { maxSteps: 4, maxHidden: 3 } },
];

describe.each(models)('$name: the tied gradient is the sum of the untied copies\' gradients', ({ model, sizes }) => {
  test('autodiff through the tied weights', () => {
    fc.assert(bpttSumsOverTimeSteps(recurrentCases(model, sizes)), { numRuns: 60 });
  });
  test('broken twin: only the last step\'s contribution', () => {
    mustFail(bpttSumsOverTimeSteps(recurrentCases(model, { ...sizes, minSteps: 2 }), { lossAndGrad: lastStepOnly(model) }));
  });
});

describe('elman: BPTT by hand', () => {
  const elmanCases = recurrentCases(zoo.elman);
  test('the notes\' loop (accumulate dL/dWe, dL/dWh stepping back through time) sums over time steps', () => {
    fc.assert(bpttSumsOverTimeSteps(elmanCases, { lossAndGrad: (p, b) => elmanBptt(p, b) }), { numRuns: 100 });
  });
  test('broken twin: the loop that stops after the first step back', () => {
    mustFail(bpttSumsOverTimeSteps(recurrentCases(zoo.elman, { minSteps: 2 }), { lossAndGrad: (p, b) => elmanBptt(p, b, { truncate: 1 }) }));
  });
  test('broken twin: the loop that forgets the first time step', () => {
    const forgetsFirst = (p: Params, b: Sequence) => elmanBptt(p, b, { truncate: b.xs.shape[0]! - 1 });
    mustFail(bpttSumsOverTimeSteps(recurrentCases(zoo.elman, { minSteps: 2 }), { lossAndGrad: forgetsFirst }));
  });
});

/** Generated elman cases with a truncation length k in 1..T + 2. */
const truncationCases = recurrentCases(zoo.elman).chain((c) =>
  fc.record({ c: fc.constant(c), k: fc.integer({ min: 1, max: c.batch.xs.shape[0]! + 2 }) }),
);

type Bptt = (params: Params, batch: Sequence, k: number) => LossAndGrad;
const byHand: Bptt = (p, b, k) => elmanBptt(p, b, { truncate: k });

function agree(a: LossAndGrad, b: LossAndGrad, what: string): void {
  const { distance, where } = gradDistance(a.grads, b.grads);
  if (!(distance < 1e-10)) throw new Error(`${what}: gradients differ at ${where}`);
  expect(a.loss).toBeCloseTo(b.loss, 12);
}

/** Truncated BPTT by hand = the engine's gradient with h_{T−k} held constant. */
function truncationMatchesEngine(bptt: Bptt) {
  return fc.property(truncationCases, ({ c, k }) => {
    agree(bptt(c.params, c.batch, k), truncatedLossAndGrad(c.model, c.params, c.batch, k), `k = ${k}`);
  });
}

/** With k ≥ T, truncated BPTT is full BPTT. */
function longTruncationIsFull(bptt: Bptt) {
  return fc.property(truncationCases, ({ c, k }) => {
    const T = c.batch.xs.shape[0]!;
    fc.pre(k >= T);
    agree(bptt(c.params, c.batch, k), c.model.lossAndGrad(c.params, c.batch), `k = ${k} ≥ T = ${T}`);
  });
}

/**
 * With k = 1, the gradient of L(h_T) where h_T = tanh(We c_T + Wh h_{T−1}) and h_{T−1} is a
 * constant computed beforehand: written out here, not through the law's helper.
 */
function oneStepTreatsPreviousStateAsConstant(bptt: Bptt) {
  return fc.property(recurrentCases(zoo.elman), ({ model, params, batch }: RecurrentModelCase) => {
    const T = batch.xs.shape[0]!;
    const D = batch.xs.shape[1]!;
    const column = (t: number): Tensor => reshape(slice(batch.xs, { axis: 0, start: t - 1, end: t }), [D, 1]);
    let previous = model.initialState(params); // h_0, then h_1 … h_{T−1}: plain values, no trace
    for (let t = 1; t < T; t++) previous = model.step(params, column(t), previous);
    const names = model.paramNames;
    const lastStep = (...values: Tensor[]) => {
      const p = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
      return model.readout(p, model.step(p, column(T), previous), batch.y);
    };
    const { value, grad } = valueAndGrad(lastStep, names.map((_, i) => i))(...names.map((name) => params[name]!));
    const expected = { loss: value.item(), grads: Object.fromEntries(names.map((name, i) => [name, grad[i]!])) };
    agree(bptt(params, batch, 1), expected, 'k = 1');
  });
}

describe('truncated BPTT (elman, by hand)', () => {
  test('equals the engine\'s gradient with h_{T−k} held constant, for every k', () => fc.assert(truncationMatchesEngine(byHand), { numRuns: 100 }));
  test('with k ≥ T equals full BPTT', () => fc.assert(longTruncationIsFull(byHand), { numRuns: 100 }));
  test('with k = 1 equals treating h_{T−1} as a constant', () => fc.assert(oneStepTreatsPreviousStateAsConstant(byHand), { numRuns: 100 }));

  test('broken twin: truncation off by one (k + 1 steps back)', () => {
    const offByOne: Bptt = (p, b, k) => elmanBptt(p, b, { truncate: k + 1 });
    mustFail(truncationMatchesEngine(offByOne));
    mustFail(oneStepTreatsPreviousStateAsConstant(offByOne));
  });
  test('broken twin: truncation that stops one step short (k − 1 steps back)', () => {
    mustFail(longTruncationIsFull((p, b, k) => elmanBptt(p, b, { truncate: k - 1 })));
  });
  test('broken twin: truncation ignored (always full BPTT)', () => {
    mustFail(oneStepTreatsPreviousStateAsConstant((p, b) => elmanBptt(p, b)));
  });
});

describe.each(models.slice(1))('$name: truncation by the engine', ({ model, sizes }) => {
  test('with k ≥ T equals full BPTT', () => {
    const cases = recurrentCases(model, sizes).chain((c) => fc.record({ c: fc.constant(c), extra: fc.nat(2) }));
    fc.assert(
      fc.property(cases, ({ c, extra }) => {
        agree(truncatedLossAndGrad(c.model, c.params, c.batch, c.batch.xs.shape[0]! + extra), c.model.lossAndGrad(c.params, c.batch), 'k ≥ T');
      }),
      { numRuns: 40 },
    );
  });
  test('with k < T differs from full BPTT: the earlier steps contribute', () => {
    const cases = recurrentCases(model, { ...sizes, minSteps: 2 });
    fc.assert(
      fc.property(cases, (c) => {
        const T = c.batch.xs.shape[0]!;
        const { distance } = gradDistance(truncatedLossAndGrad(c.model, c.params, c.batch, T - 1).grads, c.model.lossAndGrad(c.params, c.batch).grads);
        expect(distance).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });
});
