/**
 * Gradient descent, the lecture's training rule θ_new = θ_old − η dL/dθ, on every zoo model:
 * a small enough step strictly lowers the loss whenever the gradient is non-zero, with
 * (L(θ) − L(θ − ηg)) / (η‖g‖²) → 1 as η → 0 (first-order Taylor); K steps on a fixed batch lower
 * the loss; and training the language model on the corpus raises p(books | students opened their).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { corpusBatch, studentsOpenedTheirBooks, vocabulary } from '../fixtures/corpus.js';
import { tensorOf, uniformReal } from '../src/arbitraries/index.js';
import { type Optimizer, type SgdOptions, globalNorm, mapParams, sgd, train } from '../src/optim/index.js';
import { Tensor } from '../src/tensor/index.js';
import { type LossAndGrad, type Params, zoo } from '../src/zoo/index.js';
import { type ModelCase, anyModelCase, mustFail, neuronCases } from './zoo-cases.js';

const anyModel = anyModelCase();
/** relu's kinks make the Taylor ratio a one-sided affair: kept to the properties that allow it. */
const withRelu = anyModelCase({ relu: true });

type MakeOptimizer = (options: SgdOptions) => Optimizer<any>;
type Gradient = (c: ModelCase<any>, params: Params) => LossAndGrad;
const autodiff: Gradient = ({ model, batch }, params) => model.lossAndGrad(params, batch);

/** sgd that climbs: the sign of the update flipped. */
const ascent: MakeOptimizer = (options) => {
  const inner = sgd(options);
  return { ...inner, name: 'ascent', step: (p, g, s) => inner.step(p, mapParams(g, (t) => new Tensor(t.data.map((v) => -v), t.shape)), s) };
};

const ROUNDING = 1e4 * 2 ** -53;

/**
 * One sgd step of size η for η = η0, η0/2, η0/4…: some step lowers the loss with a Taylor ratio
 * within 1e-3 of 1, and the next smaller steps lower it too.
 */
function oneStepDescends(makeOptimizer: MakeOptimizer = sgd, gradient: Gradient = autodiff) {
  return fc.property(anyModel, (c) => {
    const { model, params, batch } = c;
    const { loss: L0, grads } = gradient(c, params);
    const squared = globalNorm(grads) ** 2;
    if (squared === 0) return; // a stationary point: nothing to descend
    const trail: string[] = [];
    let settled = -1;
    for (let k = 0, eta = 1 / Math.sqrt(squared); k < 45; k++, eta /= 2) {
      const optimizer = makeOptimizer({ lr: eta });
      const next = optimizer.step(params, grads, optimizer.init(params)).params;
      const drop = L0 - model.loss(next, batch).item();
      if (Math.abs(drop) < ROUNDING * Math.abs(L0)) break; // below rounding: the ratio means nothing
      const ratio = drop / (eta * squared);
      trail.push(`η=${eta.toExponential(1)}: ${ratio.toFixed(5)}`);
      if (settled < 0 && drop > 0 && Math.abs(ratio - 1) < 1e-3) settled = k;
      if (settled >= 0 && !(drop > 0)) throw new Error(`${model.name}: a smaller step η=${eta} raised the loss by ${-drop}`);
      if (settled >= 0 && k >= settled + 3) return;
    }
    if (settled < 0) throw new Error(`${model.name}: (L(θ) − L(θ − ηg)) / (η‖g‖²) does not tend to 1: ${trail.slice(-4).join(', ')}`);
  });
}

describe('one step of gradient descent', () => {
  test('with a small enough η strictly lowers the loss, and the Taylor ratio tends to 1 (every zoo model)', () => {
    fc.assert(oneStepDescends(), { numRuns: 120 });
  });
  test('broken twin: sgd with the sign flipped', () => {
    mustFail(oneStepDescends(ascent));
  });
  test('broken twin: a gradient off by a factor 2 (the ratio tends to 2)', () => {
    mustFail(oneStepDescends(sgd, (c, p) => {
      const { loss, grads } = autodiff(c, p);
      return { loss, grads: mapParams(grads, (t) => new Tensor(t.data.map((v) => 2 * v), t.shape)) };
    }));
  });
});

/** K steps of sgd on one fixed batch, with η small for the gradient's size: the loss goes down. */
function kStepsLowerTheLoss(makeOptimizer: MakeOptimizer = sgd) {
  return fc.property(withRelu, fc.integer({ min: 1, max: 15 }), uniformReal({ min: 1e-3, max: 1e-2 }), (c, K, scale) => {
    const { model, params, batch } = c;
    const g0 = globalNorm(model.lossAndGrad(params, batch).grads);
    fc.pre(g0 > 1e-6);
    const lr = scale / (1 + g0);
    const { losses, finalLoss } = train(model, params, batch, { steps: K, optimizer: makeOptimizer({ lr }) });
    if (!(finalLoss < losses[0]!)) throw new Error(`${model.name}: ${K} steps of η=${lr} went from ${losses[0]} to ${finalLoss} (${losses.join(', ')})`);
  });
}

describe('training on a fixed batch', () => {
  test('K steps of sgd lower the loss (every zoo model, relu included)', () => {
    fc.assert(kStepsLowerTheLoss(), { numRuns: 80 });
  });
  test('broken twin: K steps of ascent', () => {
    mustFail(kStepsLowerTheLoss(ascent));
  });
  type Train = typeof train;
  function trainRecordsAndLeavesParams(trainer: Train) {
    return fc.property(neuronCases(), fc.integer({ min: 1, max: 6 }), ({ model, params, batch }, K) => {
      const before = mapParams(params, (t) => new Tensor(Float64Array.from(t.data), t.shape));
      const { losses, params: after } = trainer(model, params, batch, { steps: K, optimizer: sgd({ lr: 0.1 }) });
      expect(losses).toHaveLength(K);
      expect(losses[0]).toBe(model.loss(params, batch).item());
      for (const name of model.paramNames) expect(params[name]!.data).toEqual(before[name]!.data);
      expect(after).not.toBe(params);
    });
  }
  test('train records the loss before each step and does not touch the given parameters', () => {
    fc.assert(trainRecordsAndLeavesParams(train), { numRuns: 30 });
  });
  test('broken twin: a loop that records the loss after each step', () => {
    const recordsAfter: Train = (model, params, data, options) => {
      const result = train(model, params, data, options);
      return { ...result, losses: [...result.losses.slice(1), result.finalLoss] };
    };
    mustFail(trainRecordsAndLeavesParams(recordsAfter));
  });

  function followsMomentum(makeOptimizer: MakeOptimizer) {
    return fc.property(
      fc.array(tensorOf([3], { min: -2, max: 2 }), { minLength: 1, maxLength: 5 }),
      uniformReal({ min: 0.01, max: 1 }),
      uniformReal({ min: 0, max: 0.95 }),
      (gs, lr, momentum) => {
        const optimizer = makeOptimizer({ lr, momentum });
        let params: Params = { w: new Tensor(new Float64Array(3), [3]) };
        let state = optimizer.init(params);
        const v = [0, 0, 0];
        const w = [0, 0, 0];
        for (const g of gs) {
          ({ params, state } = optimizer.step(params, { w: g }, state));
          for (let i = 0; i < 3; i++) {
            v[i] = momentum * v[i]! + g.data[i]!;
            w[i]! -= lr * v[i]!;
            expect(params.w!.data[i]).toBeCloseTo(w[i]!, 12);
          }
        }
      },
    );
  }
  test('momentum: v ← μv + g, θ ← θ − ηv (PyTorch\'s convention), step by step', () => {
    fc.assert(followsMomentum(sgd), { numRuns: 100 });
  });
  test('broken twin: momentum whose velocity is not carried to the next step', () => {
    const forgetful: MakeOptimizer = (options) => {
      const inner = sgd(options);
      return { ...inner, step: (p, g) => inner.step(p, g, inner.init(p)) };
    };
    mustFail(followsMomentum(forgetful));
  });
});

describe('the language model on the corpus', () => {
  const example = studentsOpenedTheirBooks();
  const books = (model: typeof zoo.nplm, params: Params) => Math.exp(-model.loss(params, example).item());

  function trainingRaisesBooks(makeOptimizer: MakeOptimizer = sgd) {
    return fc.property(fc.nat(), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 8 }), (seed, dim, hidden) => {
      const model = zoo.nplm.configure({ vocab: vocabulary.length, dim, hidden });
      const params = model.init(seed);
      const trained = train(model, params, corpusBatch(), { steps: 60, optimizer: makeOptimizer({ lr: 0.5 }) }).params;
      const [before, after] = [books(model, params), books(model, trained)];
      if (!(after > before)) throw new Error(`p(books | students opened their) went from ${before} to ${after}`);
    });
  }

  test('training raises p(books | students opened their), from any initialisation', () => {
    fc.assert(trainingRaisesBooks(), { numRuns: 15 });
  });
  test('broken twin: ascent lowers it', () => {
    mustFail(trainingRaisesBooks(ascent), 15);
  });
  test('the worked example: p(books) from about 1/V to about ½ (the corpus also has "students opened their laptops")', () => {
    const model = zoo.nplm.configure({ vocab: vocabulary.length, dim: 4, hidden: 8 });
    const params = model.init(7);
    const result = train(model, params, corpusBatch(), { steps: 200, optimizer: sgd({ lr: 0.5 }) });
    const [before, after] = [books(model, params), books(model, result.params)];
    console.info(`nplm on the corpus: p(books | students opened their) ${before.toFixed(4)} → ${after.toFixed(4)}; loss ${result.losses[0]!.toFixed(4)} → ${result.finalLoss.toFixed(4)} in 200 steps`);
    expect(before).toBeLessThan(0.2);
    expect(after).toBeGreaterThan(0.45);
    expect(after).toBeLessThan(0.55);
  });
});
