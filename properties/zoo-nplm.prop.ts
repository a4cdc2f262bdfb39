/**
 * The language model's loss and its embedding gradient.
 *
 * Cross-entropy of the data distribution p (one-hot: 1 for "books") and the model's q:
 *   −Σ_w p(w) log q(w) = −log q(target)   ≥ 0,   = log V when q is uniform,
 * and its gradient with respect to the logits z (q = softmax(z)), mean over a batch of B:
 *   dL/dz = (softmax(z) − onehot(target)) / B.
 *
 * The embedding gradient is a scatter-add: E[w] is used wherever w occurs in a context, so dL/dE[w]
 * is the sum of dL/dx over those positions — a word repeated in a context receives both.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ids, tensorOf, uniformReal } from '../src/arbitraries/index.js';
import { vjp } from '../src/autodiff/index.js';
import { type Differentiable, checkGradients, formatReport } from '../src/check/index.js';
import { crossEntropy } from '../src/ops/index.js';
import { Rng, Tensor, full, scalar } from '../src/tensor/index.js';
import { CONTEXT, type Model, type NplmBatch, type Params, embed, nplmForward, nplmHead, nplmManualGrad, zoo } from '../src/zoo/index.js';
import { nplmCases, mustFail } from './zoo-cases.js';

/** A random scalar cotangent, never 1 (nor near 0): |g| in [0.5, 2], either sign. */
function randomCotangent(seed: number): Tensor {
  const rng = new Rng(seed);
  return scalar((rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 2));
}

/** Logits [B, V] (wide range, so q is sometimes nearly one-hot) and targets [B]. */
const logitsAndTargets = fc
  .record({ B: fc.integer({ min: 1, max: 5 }), V: fc.integer({ min: 1, max: 8 }) })
  .chain(({ B, V }) => fc.record({ logits: tensorOf([B, V], { min: -8, max: 8 }), targets: ids([B], V) }));

/**
 * log q(w) = z_w − log Σ_v exp(z_v), row by row, written out with the max subtracted and the max's
 * own term (exactly 1) taken out of the sum into a log1p: accurate to rounding even when q(w) ≈ 1
 * and the loss is tiny, so finite differences of it are as good as the checker assumes.
 */
function logQ(logits: Tensor, b: number, w: number): number {
  const V = logits.shape[1]!;
  const row = Array.from({ length: V }, (_, v) => logits.get(b, v));
  const top = row.indexOf(Math.max(...row));
  const rest = row.reduce((s, z, v) => (v === top ? s : s + Math.exp(z - row[top]!)), 0);
  return logits.get(b, w) - row[top]! - Math.log1p(rest);
}

/** Mean −log q(target): cross-entropy, computed accurately (see logQ). */
function meanNegLogQ(logits: Tensor, targets: Tensor): number {
  let total = 0;
  for (let b = 0; b < targets.size; b++) total -= logQ(logits, b, targets.data[b]!);
  return total / targets.size;
}

/** (softmax(z) − onehot(target)) / B: the lecture's gradient, written out. */
function softmaxMinusOnehot(logits: Tensor, targets: Tensor, divideByB = true): Tensor {
  const [B, V] = logits.shape as [number, number];
  const out = new Float64Array(B * V);
  for (let b = 0; b < B; b++) {
    // q − 1 as expm1(log q) at the target: exp(log q) − 1 cancels when q ≈ 1 and the loss is tiny
    for (let v = 0; v < V; v++) {
      const logq = logQ(logits, b, v);
      out[b * V + v] = (targets.data[b] === v ? Math.expm1(logq) : Math.exp(logq)) / (divideByB ? B : 1);
    }
  }
  return new Tensor(out, [B, V]);
}

/**
 * A hand-written cross-entropy target with the given backward, for the checker. Its forward is
 * meanNegLogQ rather than the op: the op's log(1 + small) loses ~1e-16 absolute when the loss is
 * tiny, which finite differences turn into ~1e-14 of noise (see the report: logits [[-5, 5]]).
 */
function handWritten(gradient: (logits: Tensor, targets: Tensor) => Tensor): Differentiable {
  return {
    name: 'crossEntropy (hand-written backward)',
    forward: ([logits, targets]) => scalar(meanNegLogQ(logits!, targets!)),
    vjp: ([logits, targets], g) => [new Tensor(gradient(logits!, targets!).data.map((v) => v * g.item()), logits!.shape), full(targets!.shape, 0)],
    nondifferentiable: [1],
  };
}

function gradientIsSoftmaxMinusOnehot(gradient: (logits: Tensor, targets: Tensor) => Tensor) {
  return fc.property(logitsAndTargets, fc.nat(), ({ logits, targets }, seed) => {
    const report = checkGradients(handWritten(gradient), [logits, targets], { seed });
    if (!report.ok) throw new Error(formatReport(report));
  });
}

type Loss = (logits: Tensor, targets: Tensor) => number;
const opLoss: Loss = (logits, targets) => crossEntropy(logits, targets).item();

function isMeanNegLogQ(loss: Loss) {
  return fc.property(logitsAndTargets, ({ logits, targets }) => {
    const L = loss(logits, targets);
    expect(L).toBeCloseTo(meanNegLogQ(logits, targets), 12);
    expect(L).toBeGreaterThanOrEqual(0);
  });
}

function isLogVWhenUniform(loss: Loss) {
  return fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50 }), uniformReal({ min: -10, max: 10 }), (B, V, c) => {
    const targets = new Tensor(Float64Array.from({ length: B }, (_, b) => b % V), [B]);
    expect(loss(full([B, V], c), targets)).toBeCloseTo(Math.log(V), 12);
  });
}

describe('cross-entropy', () => {
  test('equals −log q(target), mean over the batch, and is ≥ 0', () => {
    fc.assert(isMeanNegLogQ(opLoss), { numRuns: 200 });
  });
  test('equals log V for uniform predictions (all logits equal)', () => {
    fc.assert(isLogVWhenUniform(opLoss), { numRuns: 100 });
  });
  test('broken twin: summed over the batch instead of averaged', () => {
    mustFail(isMeanNegLogQ((z, t) => opLoss(z, t) * t.size));
  });
  test('broken twin: −z_target without the log-sum-exp (softmax not normalised)', () => {
    const unnormalised: Loss = (z, t) => -Array.from(t.data, (w, b) => z.get(b, w)).reduce((a, v) => a + v, 0) / t.size;
    mustFail(isMeanNegLogQ(unnormalised));
    mustFail(isLogVWhenUniform(unnormalised));
  });
  test('the engine\'s gradient with respect to the logits is (softmax − onehot) / B, under a random cotangent', () => {
    fc.assert(
      fc.property(logitsAndTargets, fc.nat(), ({ logits, targets }, seed) => {
        const g = randomCotangent(seed);
        const [dLogits] = vjp((z: Tensor) => crossEntropy(z, targets), [logits], g).grads;
        const expected = softmaxMinusOnehot(logits, targets);
        dLogits!.data.forEach((v, i) => expect(v).toBeCloseTo(g.item() * expected.data[i]!, 12));
      }),
      { numRuns: 200 },
    );
  });
  test('(softmax − onehot) / B passes the checker as cross-entropy\'s backward', () => {
    fc.assert(gradientIsSoftmaxMinusOnehot((z, t) => softmaxMinusOnehot(z, t)), { numRuns: 100 });
  });
  test('broken twin: softmax − onehot without the 1/B of the batch mean fails the checker', () => {
    mustFail(gradientIsSoftmaxMinusOnehot((z, t) => softmaxMinusOnehot(z, t, false)));
  });
  test('broken twin: softmax alone (the −onehot forgotten) fails the checker', () => {
    mustFail(gradientIsSoftmaxMinusOnehot((z, t) => new Tensor(softmaxMinusOnehot(z, t).data.map((v, i) => v + (t.data[Math.floor(i / z.shape[1]!)] === i % z.shape[1]! ? 1 / t.size : 0)), z.shape)));
  });
  type NplmLoss = (model: Model<NplmBatch, any>, params: Params, batch: NplmBatch) => number;
  function nplmLossIsNegLogO(loss: NplmLoss) {
    return fc.property(nplmCases(), ({ model, params, batch }) => {
      const { logits } = nplmForward(params, batch);
      expect(loss(model, params, batch)).toBeCloseTo(meanNegLogQ(logits, batch.target), 12);
    });
  }
  test('the NPLM\'s loss is −log o[target] with o = softmax(W2 h), mean over the batch', () => {
    fc.assert(nplmLossIsNegLogO((model, params, batch) => model.loss(params, batch).item()), { numRuns: 100 });
  });
  test('broken twin: a loss scored against the last context word instead of the target', () => {
    const lastContextWord = (b: NplmBatch) => new Tensor(Float64Array.from(b.target.data, (_, i) => b.context.get(i, CONTEXT - 1)), b.target.shape);
    mustFail(nplmLossIsNegLogO((model, params, batch) => model.loss(params, { ...batch, target: lastContextWord(batch) }).item()));
  });
});

/** NPLM cases whose first context repeats a word: c2 := c1 in row 0. */
const repeatedWord = nplmCases().map(({ model, params, batch }) => {
  const context = Float64Array.from(batch.context.data);
  context[1] = context[0]!;
  return { model, params, batch: { ...batch, context: new Tensor(context, batch.context.shape) } };
});

type EmbeddingGrad = (params: Params, batch: NplmBatch, model: Model<NplmBatch, any>) => Tensor;

/** dL/dE[w] = Σ over the positions (b, j) where w occurs of dL/dx[b, j], with dL/dx by the engine. */
function embeddingGradientIsScatterAdd(embeddingGrad: EmbeddingGrad) {
  return fc.property(repeatedWord, fc.nat(), ({ model, params, batch }, seed) => {
    const x = embed(params.E!, batch.context);
    const lossOfX = (xv: Tensor) => crossEntropy(nplmHead(params, xv).logits, batch.target);
    const g = randomCotangent(seed);
    const [dx] = vjp(lossOfX, [x], g).grads;
    const dE = embeddingGrad(params, batch, model);
    const [V, d] = params.E!.shape as [number, number];
    const expected = new Float64Array(V * d);
    batch.context.data.forEach((w, position) => {
      const [b, j] = [Math.floor(position / CONTEXT), position % CONTEXT];
      for (let k = 0; k < d; k++) expected[w * d + k]! += dx!.get(b, j * d + k);
    });
    expected.forEach((v, i) => {
      const got = dE.data[i]! * g.item();
      if (!(Math.abs(got - v) <= 1e-10 * (1 + Math.abs(v)))) {
        throw new Error(`dL/dE[${Math.floor(i / d)}][${i % d}] is ${got}, but the contributions of its occurrences sum to ${v}`);
      }
    });
  });
}

describe('the embedding gradient is a scatter-add', () => {
  test('autodiff: a word repeated in the context receives both contributions', () => {
    fc.assert(embeddingGradientIsScatterAdd((p, b, model) => model.lossAndGrad(p, b).grads.E!), { numRuns: 100 });
  });
  test('by hand: the same', () => {
    fc.assert(embeddingGradientIsScatterAdd((p, b) => nplmManualGrad(p, b).grads.E!), { numRuns: 100 });
  });
  test('broken twin: E[w] = dx (the last occurrence wins) instead of +=', () => {
    const overwrite = (context: Tensor, dx: Tensor, vocab: number): Tensor => {
      const d = dx.shape[1]! / CONTEXT;
      const dE = new Float64Array(vocab * d);
      context.data.forEach((w, position) => {
        const [b, j] = [Math.floor(position / CONTEXT), position % CONTEXT];
        for (let k = 0; k < d; k++) dE[w * d + k] = dx.get(b, j * d + k);
      });
      return new Tensor(dE, [vocab, d]);
    };
    mustFail(embeddingGradientIsScatterAdd((p, b) => nplmManualGrad(p, b, overwrite).grads.E!));
  });
  test('a repeated word\'s gradient differs from either single contribution', () => {
    // The concrete case: "their their books" → the gradient of E[their] has two parts.
    const model = zoo.nplm.configure({ vocab: 4, dim: 2, hidden: 3 });
    const params = model.init(3);
    const batch = { context: new Tensor(Float64Array.of(2, 2, 1), [1, 3]), target: scalarTarget(0) };
    const both = model.lossAndGrad(params, batch).grads.E!;
    const x = embed(params.E!, batch.context);
    const [dx] = vjp((xv: Tensor) => crossEntropy(nplmHead(params, xv).logits, batch.target), [x], scalar(1)).grads;
    for (let k = 0; k < 2; k++) {
      expect(both.get(2, k)).toBeCloseTo(dx!.get(0, k) + dx!.get(0, 2 + k), 14);
      expect(Math.abs(both.get(2, k) - dx!.get(0, k))).toBeGreaterThan(1e-6);
    }
  });
});

function scalarTarget(w: number): Tensor {
  return new Tensor(Float64Array.of(w), [1]);
}
