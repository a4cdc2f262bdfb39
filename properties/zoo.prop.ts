/**
 * Every zoo model's gradients are right: the engine's (through asDifferentiable) against finite
 * differences, and for the models the lecture differentiates by hand, three oracles agree —
 * hand-derived = autodiff = finite differences. Each property is shown to fail on a broken twin.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Differentiable, checkGradients, formatReport } from '../src/check/index.js';
import { Tensor } from '../src/tensor/index.js';
import { type LossAndGrad, type ManualGradOptions, type Model, type Params, elmanBptt, nplmManualGrad, zoo } from '../src/zoo/index.js';
import type { NplmBatch } from '../src/zoo/index.js';
import { type ModelCase, gradDistance, mlpCases, neuronCases, nplmCases, recurrentCases, targetOf, mustFail } from './zoo-cases.js';

type AnyCase = ModelCase<any>;

/** The checker passes (a kink, e.g. a relu at 0, is fine) on the target a case makes. */
function checkerPasses<C extends AnyCase>(cases: fc.Arbitrary<C>, makeTarget: (c: C) => Differentiable = (c) => targetOf(c).target) {
  return fc.property(cases, fc.nat(), (c, seed) => {
    const report = checkGradients(makeTarget(c), targetOf(c).inputs, { seed });
    if (!report.ok) throw new Error(formatReport(report));
  });
}

/** The model's forward with another backward: what a hand-written layer with a bug looks like. */
function withBackward<B>({ model, batch }: ModelCase<B>, backward: (params: Params, batch: B) => LossAndGrad): Differentiable {
  return {
    name: `${model.name} (hand-written backward)`,
    forward: (inputs) => model.loss(byName(model.paramNames, inputs), batch),
    vjp: (inputs, cotangent) => {
      const { grads } = backward(byName(model.paramNames, inputs), batch);
      return model.paramNames.map((name) => new Tensor(grads[name]!.data.map((g) => g * cotangent.item()), grads[name]!.shape));
    },
  };
}

function byName(names: readonly string[], values: readonly Tensor[]): Params {
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

/** A backward that forgets one parameter (its gradient left at zero): the commonest wiring bug. */
function forgets(name: (c: AnyCase) => string) {
  return (c: AnyCase): Differentiable => {
    const left = name(c);
    return withBackward(c, (p, b) => {
      const { loss, grads } = c.model.lossAndGrad(p, b);
      return { loss, grads: { ...grads, [left]: new Tensor(new Float64Array(grads[left]!.size), grads[left]!.shape) } };
    });
  };
}

const lastParam = (c: AnyCase) => c.model.paramNames[c.model.paramNames.length - 1]!;
const firstParam = (c: AnyCase) => c.model.paramNames[0]!;

const suites = [
  { name: 'neuron', cases: neuronCases(), twin: forgets(firstParam) },
  { name: 'mlp', cases: mlpCases(), twin: forgets(firstParam) },
  { name: 'nplm', cases: nplmCases(), twin: forgets(firstParam) },
  { name: 'elman', cases: recurrentCases(zoo.elman), twin: forgets(firstParam) },
  { name: 'lstm', cases: recurrentCases(zoo.lstm, { maxSteps: 4, maxHidden: 3 }), twin: forgets(lastParam) },
  { name: 'gru', cases: recurrentCases(zoo.gru, { maxSteps: 4, maxHidden: 3 }), twin: forgets(lastParam) },
];

describe.each(suites)('$name', ({ cases, twin }) => {
  test('autodiff gradients pass the checker on generated sizes, parameters and batches', () => {
    fc.assert(checkerPasses(cases as fc.Arbitrary<AnyCase>), { numRuns: 100 });
  });
  test('broken twin: a backward that forgets a parameter fails it', () => {
    mustFail(checkerPasses(cases as fc.Arbitrary<AnyCase>, twin));
  });
});

describe.each(Object.entries(zoo))('%s: init and sampleBatch', (_name, model) => {
  const m = model as Model<unknown, unknown>;
  function passesAtInit(makeTarget: (batch: unknown) => Differentiable) {
    return fc.property(fc.nat(), fc.nat(), (seed, batchSeed) => {
      const params = m.init(seed);
      expect(Object.keys(params)).toEqual([...m.paramNames]);
      for (const name of m.paramNames) expect(params[name]!.shape).toEqual(m.paramShapes[name]);
      expect(m.init(seed)).toEqual(params); // seeded: the same seed, the same parameters
      const batch = m.sampleBatch(batchSeed);
      expect(m.sampleBatch(batchSeed)).toEqual(batch);
      const report = checkGradients(makeTarget(batch), m.paramNames.map((name) => params[name]!), { seed });
      if (!report.ok) throw new Error(formatReport(report));
    });
  }
  test('seeded parameters of paramShapes, seeded batches, and gradients that pass the checker there', () => {
    fc.assert(passesAtInit((batch) => m.asDifferentiable(batch)), { numRuns: 20 });
  });
  test('broken twin: a backward scaled by 1.01 fails the checker there', () => {
    mustFail(passesAtInit((batch) => {
      const target = m.asDifferentiable(batch);
      return { ...target, vjp: (xs, g) => target.vjp(xs, g).map((t) => new Tensor(t.data.map((v) => 1.01 * v), t.shape)) };
    }));
  });
});

/** manualGrad = lossAndGrad (to rounding) and manualGrad passes the checker: the three oracles agree. */
function threeOraclesAgree<B>(cases: fc.Arbitrary<ModelCase<B>>, manual: (params: Params, batch: B) => LossAndGrad) {
  return fc.property(cases, fc.nat(), (c, seed) => {
    const byHand = manual(c.params, c.batch);
    const autodiff = c.model.lossAndGrad(c.params, c.batch);
    expect(byHand.loss).toBeCloseTo(autodiff.loss, 12);
    const { distance, where } = gradDistance(byHand.grads, autodiff.grads);
    if (!(distance < 1e-10)) throw new Error(`hand-derived and autodiff gradients differ at ${where}`);
    const report = checkGradients(withBackward(c, manual), targetOf(c).inputs, { seed });
    if (!report.ok) throw new Error(formatReport(report));
  });
}

describe('hand-derived = autodiff = finite differences', () => {
  const neuronManual = zoo.neuron.manualGrad!;
  const nplmManual = (p: Params, b: NplmBatch) => nplmManualGrad(p, b);
  const elmanManual = (p: Params, b: Parameters<typeof elmanBptt>[1]) => elmanBptt(p, b);

  test('neuron: the lecture\'s chain rule', () => fc.assert(threeOraclesAgree(neuronCases(), (p, b) => neuronManual(p, b)), { numRuns: 100 }));
  test('nplm: softmax − onehot through W2, tanh′, a scatter-add into E', () => fc.assert(threeOraclesAgree(nplmCases(), nplmManual), { numRuns: 100 }));
  test('elman: BPTT written out', () => fc.assert(threeOraclesAgree(recurrentCases(zoo.elman), elmanManual), { numRuns: 100 }));

  test('broken twin: the neuron chain without tanh′ at h (dL/dw1 missing (1 − h²))', () => {
    const twin = (p: Params, b: { x: Tensor; y: Tensor }): LossAndGrad => {
      const right = neuronManual(p, b);
      const [w1, w2] = [p.w1!.item(), p.w2!.item()];
      let dw1 = 0;
      b.x.data.forEach((x, i) => {
        const h = Math.tanh(w1 * x);
        const o = Math.tanh(w2 * h);
        dw1 += (-(b.y.data[i]! - o) * (1 - o * o) * w2 * x) / b.x.size;
      });
      return { loss: right.loss, grads: { ...right.grads, w1: new Tensor(Float64Array.of(dw1), []) } };
    };
    mustFail(threeOraclesAgree(neuronCases(), twin));
  });
  test('broken twin: the nplm backward with E[w] = instead of += (no scatter-add)', () => {
    const overwrite = (context: Tensor, dx: Tensor, vocab: number): Tensor => {
      const d = dx.shape[1]! / 3;
      const dE = new Float64Array(vocab * d);
      for (let b = 0; b < context.shape[0]!; b++) {
        for (let j = 0; j < 3; j++) for (let k = 0; k < d; k++) dE[context.get(b, j) * d + k] = dx.get(b, j * d + k);
      }
      return new Tensor(dE, [vocab, d]);
    };
    mustFail(threeOraclesAgree(nplmCases(), (p, b) => nplmManualGrad(p, b, overwrite)));
  });
  test('broken twin: BPTT that keeps only the last step', () => {
    const lastStep: ManualGradOptions = { truncate: 1 };
    mustFail(threeOraclesAgree(recurrentCases(zoo.elman, { minSteps: 2 }), (p, b) => elmanBptt(p, b, lastStep)));
  });
});
