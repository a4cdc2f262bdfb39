/**
 * A fourth oracle, from outside: TensorFlow.js (CPU backend, float32) computes the same zoo models
 * from the same parameters and batches, and its gradients agree with gradprop's engine to float32
 * rounding. tfjs differentiates with respect to the parameters only; its cross-entropy is written
 * from logSoftmax and the integer targets (see bench/tfjs-models.ts), never through
 * its softmax cross-entropy, whose gradient with respect to the labels is wrong in 4.22.
 *
 * Agreement, per parameter p: ‖g_tf − g‖ / max(‖g‖, 10⁻²·‖G‖) ≤ 10⁻⁴, where G is the whole
 * gradient. Relative to the parameter's own gradient, except that a parameter whose gradient is
 * tiny next to the others is measured against 1% of the total — float32 computes it from terms
 * of the total's size, and cannot resolve it more finely than that.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadTfjsCpu, tfLossAndGrad, tfTwin } from '../bench/tfjs-models.js';
import { Tensor } from '../src/tensor/index.js';
import { type Params, zoo } from '../src/zoo/index.js';
import { type ModelCase, anyModelCase, mustFail, recurrentCases } from './zoo-cases.js';

const TOLERANCE = 1e-4;

let tf: Awaited<ReturnType<typeof loadTfjsCpu>>;
beforeAll(async () => {
  tf = await loadTfjsCpu();
}, 30_000);

/** The worst parameter's distance between two gradients, and where. */
function distance(ours: Params, theirs: Record<string, Float64Array>): { worst: number; where: string } {
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
  const total = Math.sqrt(Object.values(ours).reduce((s, g) => s + norm(g.data) ** 2, 0));
  let worst = 0;
  let where = '';
  for (const [name, g] of Object.entries(ours)) {
    const t = theirs[name]!;
    const diff = norm(Array.from(g.data, (v, i) => t[i]! - v));
    const d = diff / Math.max(norm(g.data), 1e-2 * total, 1e-30);
    if (d > worst) {
      worst = d;
      where = `${name}: ‖Δ‖ = ${diff.toExponential(2)}, ‖g‖ = ${norm(g.data).toExponential(2)}, ‖G‖ = ${total.toExponential(2)}`;
    }
  }
  return { worst, where };
}

type Gradient = (c: ModelCase<any>) => Params;
const engine: Gradient = ({ model, params, batch }) => model.lossAndGrad(params, batch).grads;

/** gradprop's gradient (by `gradient`) agrees with tfjs's at the case's parameters and batch. */
function agreesWithTfjs(cases: fc.Arbitrary<ModelCase<any>>, gradient: Gradient = engine) {
  return fc.property(cases, (c) => {
    const twin = tfTwin(c.model, c.params, c.batch);
    try {
      const theirs = tfLossAndGrad(twin);
      const ours = gradient(c);
      const { worst, where } = distance(ours, theirs.grads);
      if (!(worst <= TOLERANCE)) throw new Error(`${c.model.name}: gradprop and tfjs disagree by ${worst.toExponential(2)} at ${where}`);
    } finally {
      twin.dispose();
    }
  });
}

describe('tfjs-cpu as an outside oracle', () => {
  test('tfjs runs on its CPU backend in float32', () => {
    expect(tf.getBackend()).toBe('cpu');
    const one = tf.tensor([1]);
    expect(one.dtype).toBe('float32');
    one.dispose();
  });

  test('every zoo model (relu MLPs too): tfjs gradients = gradprop engine gradients', () => {
    fc.assert(agreesWithTfjs(anyModelCase({ relu: true })), { numRuns: 150 });
    expect(tf.memory().numTensors).toBeLessThan(10); // every twin disposed
  });

  test('the hand-derived backwards too: tfjs = manualGrad for neuron, nplm and elman', () => {
    const hand: Gradient = ({ model, params, batch }) => model.manualGrad!(params, batch).grads;
    fc.assert(agreesWithTfjs(anyModelCase().filter((c) => c.model.manualGrad !== undefined), hand), { numRuns: 60 });
  });

  describe('broken twins fail', () => {
    test('a gradient 0.1% off in one parameter', () => {
      const off: Gradient = (c) => {
        const grads = engine(c);
        const first = c.model.paramNames[0]!;
        const g = grads[first]!;
        return { ...grads, [first]: new Tensor(g.data.map((v) => v * 1.001), g.shape) };
      };
      mustFail(agreesWithTfjs(anyModelCase(), off));
    });

    test('truncated backpropagation through time (one step back) passed off as the full gradient', () => {
      const truncated: Gradient = ({ model, params, batch }) => model.manualGrad!(params, batch, { truncate: 1 }).grads;
      mustFail(agreesWithTfjs(recurrentCases(zoo.elman, { minSteps: 2 }), truncated));
    });
  });
});
