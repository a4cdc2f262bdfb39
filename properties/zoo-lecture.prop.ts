/**
 * The lecture's worked numbers (fixtures/lecture.ts) against the engine, the zoo's hand-written
 * backwards and the closed forms of the notes; and the hand-written neuron target of the checker's
 * tests (fixtures/neuron.ts) against the zoo's neuron.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { neuronExamples, rnnExamples } from '../fixtures/lecture.js';
import { neuron as handNeuron, neuronInputs } from '../fixtures/neuron.js';
import { valueAndGrad } from '../src/autodiff/index.js';
import { Tensor, scalar, tensor } from '../src/tensor/index.js';
import { elmanBptt, zoo } from '../src/zoo/index.js';
import { neuronCases } from './zoo-cases.js';

const DIGITS = 14;

describe('the neuron chain: dL/dw1, dL/dw2', () => {
  test.each(neuronExamples)('w1=$w1 w2=$w2 x=$x y=$y', (ex) => {
    const params = { w1: scalar(ex.w1), w2: scalar(ex.w2) };
    const batch = { x: tensor([ex.x]), y: tensor([ex.y]) };
    for (const { loss, grads } of [zoo.neuron.lossAndGrad(params, batch), zoo.neuron.manualGrad!(params, batch)]) {
      expect(loss).toBeCloseTo(ex.L, DIGITS);
      expect(grads.w1!.item()).toBeCloseTo(ex.dL_dw1, DIGITS);
      expect(grads.w2!.item()).toBeCloseTo(ex.dL_dw2, DIGITS);
    }
    // the closed forms themselves, so a typo in the fixture cannot hide
    const h = Math.tanh(ex.w1 * ex.x);
    const o = Math.tanh(ex.w2 * h);
    expect(-(ex.y - o) * (1 - o * o) * h).toBeCloseTo(ex.dL_dw2, DIGITS);
    expect(-(ex.y - o) * (1 - o * o) * ex.w2 * (1 - h * h) * ex.x).toBeCloseTo(ex.dL_dw1, DIGITS);
  });
  test('broken twin: the fixture catches a gradient that forgets (1 − o²)', () => {
    const ex = neuronExamples[0]!;
    const h = Math.tanh(ex.w1 * ex.x);
    const o = Math.tanh(ex.w2 * h);
    expect(Math.abs(-(ex.y - o) * h - ex.dL_dw2)).toBeGreaterThan(1e-3);
  });
  test('the checker\'s hand-written neuron (fixtures/neuron.ts) agrees with the zoo\'s, at generated batches', () => {
    fc.assert(
      fc.property(neuronCases(), ({ model, params, batch }) => {
        const inputs = neuronInputs(params.w1!.item(), params.w2!.item(), [...batch.x.data], [...batch.y.data]);
        const target = handNeuron();
        const [dw1, dw2] = target.vjp(inputs, scalar(1));
        const { loss, grads } = model.lossAndGrad(params, batch);
        expect(target.forward(inputs).item()).toBeCloseTo(loss, DIGITS);
        expect(dw1!.item()).toBeCloseTo(grads.w1!.item(), 12);
        expect(dw2!.item()).toBeCloseTo(grads.w2!.item(), 12);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the two-step RNN: dL/dWo, dL/dc2 (and dL/dc1, dL/dWe, dL/dWh by BPTT)', () => {
  const rnn = zoo.elman.configure({ input: 1, hidden: 1, output: 1, steps: 2 });
  const one = (v: number) => new Tensor(Float64Array.of(v), [1, 1]);

  test.each(rnnExamples)('we=$we wh=$wh wo=$wo c1=$c1 c2=$c2 y=$y', (ex) => {
    const y = tensor([ex.y]);
    // the engine, differentiating with respect to the weights and the inputs c_1, c_2
    const f = (We: Tensor, Wh: Tensor, Wo: Tensor, xs: Tensor) => rnn.loss({ We, Wh, Wo }, { xs, y });
    const xs = new Tensor(Float64Array.of(ex.c1, ex.c2), [2, 1]);
    const { value, grad } = valueAndGrad(f, [0, 1, 2, 3])(one(ex.we), one(ex.wh), one(ex.wo), xs);
    const [dWe, dWh, dWo, dxs] = grad as [Tensor, Tensor, Tensor, Tensor];
    expect(value.item()).toBeCloseTo(ex.L, DIGITS);
    expect(dWo.item()).toBeCloseTo(ex.dL_dwo, DIGITS);
    expect(dxs.get(1, 0)).toBeCloseTo(ex.dL_dc2, DIGITS);
    expect(dxs.get(0, 0)).toBeCloseTo(ex.dL_dc1, DIGITS);
    expect(dWe.item()).toBeCloseTo(ex.dL_dwe, DIGITS);
    expect(dWh.item()).toBeCloseTo(ex.dL_dwh, DIGITS);
    // BPTT by hand, the zoo's
    const byHand = elmanBptt({ We: one(ex.we), Wh: one(ex.wh), Wo: one(ex.wo) }, { xs, y });
    expect(byHand.loss).toBeCloseTo(ex.L, DIGITS);
    expect(byHand.grads.Wo!.item()).toBeCloseTo(ex.dL_dwo, DIGITS);
    expect(byHand.grads.We!.item()).toBeCloseTo(ex.dL_dwe, DIGITS);
    expect(byHand.grads.Wh!.item()).toBeCloseTo(ex.dL_dwh, DIGITS);
    // the closed forms themselves
    const h1 = Math.tanh(ex.we * ex.c1);
    const h2 = Math.tanh(ex.we * ex.c2 + ex.wh * h1);
    const o = ex.wo * h2;
    expect(-(ex.y - o) * h2).toBeCloseTo(ex.dL_dwo, DIGITS);
    expect(-(ex.y - o) * ex.wo * (1 - h2 * h2) * ex.we).toBeCloseTo(ex.dL_dc2, DIGITS);
  });
  test('broken twin: the fixture catches BPTT that keeps only the last step (dL/dWe = −(y − o)w_o(1 − h_2²)c_2)', () => {
    const ex = rnnExamples[0]!;
    const lastOnly = elmanBptt({ We: one(ex.we), Wh: one(ex.wh), Wo: one(ex.wo) }, { xs: new Tensor(Float64Array.of(ex.c1, ex.c2), [2, 1]), y: tensor([ex.y]) }, { truncate: 1 });
    expect(Math.abs(lastOnly.grads.We!.item() - ex.dL_dwe)).toBeGreaterThan(1e-3);
  });
});
