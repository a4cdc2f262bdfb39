import { describe, expect, test } from 'vitest';
import { Tensor } from '../tensor/index.js';
import { type AnyModel, zoo } from '../zoo/index.js';
import { modelCurves } from './curves.js';
import { mapParams } from './clip.js';

const largestGap = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.max(Math.abs(x), 1e-300)));

describe('modelCurves', () => {
  test.each(Object.values(zoo).map((m): [string, AnyModel] => [m.name, m]))('%s: the loss falls over the run, from the loss at the initial parameters', (_, model) => {
    for (const seed of [1, 2, 3]) {
      const { training, optimizer } = modelCurves(model, { seed, steps: 30 });
      expect(optimizer).toBe('sgd(lr=0.1)');
      const [engine] = training;
      expect(engine!.losses).toHaveLength(31);
      expect(engine!.losses[0]).toBe(model.loss(model.init(seed), model.sampleBatch(seed)).item());
      expect(engine!.losses[30]!).toBeLessThan(engine!.losses[0]!);
    }
  });

  test('broken twin: a model whose gradient points uphill does not fall', () => {
    const mlp = zoo.mlp;
    const uphill: AnyModel = {
      ...mlp,
      lossAndGrad: (params, batch) => {
        const { loss, grads } = mlp.lossAndGrad(params, batch);
        return { loss, grads: mapParams(grads, (g) => new Tensor(g.data.map((v) => -v), g.shape)) };
      },
    };
    const [engine] = modelCurves(uphill, { seed: 1, steps: 30 }).training;
    expect(engine!.losses[30]!).toBeGreaterThan(engine!.losses[0]!);
  });

  const manual = Object.values(zoo).filter((m) => typeof m.manualGrad === 'function');

  test.each(manual.map((m) => [m.name, m] as const))("%s: the hand-written backward's curve lies on the engine's", (_, model) => {
    const { training } = modelCurves(model, { seed: 5 });
    expect(training.map((c) => c.backward)).toEqual(['engine', 'manualGrad']);
    expect(largestGap(training[0]!.losses, training[1]!.losses)).toBeLessThan(1e-9);
  });

  test("broken twin: a hand-written backward off by 10% in one parameter parts from the engine's curve", () => {
    const elman = zoo.elman;
    const broken: AnyModel = {
      ...elman,
      manualGrad: (params, batch) => {
        const { loss, grads } = elman.manualGrad!(params, batch);
        return { loss, grads: mapParams(grads, (g, name) => (name === 'Wh' ? new Tensor(g.data.map((v) => 1.1 * v), g.shape) : g)) };
      },
    };
    const { training } = modelCurves(broken, { seed: 5 });
    expect(largestGap(training[0]!.losses, training[1]!.losses)).toBeGreaterThan(1e-9);
  });

  test('recurrent models get ‖∂L/∂h_t‖ for t = 0..T, with the bound where the model derives one (Elman)', () => {
    const curves = Object.fromEntries(Object.values(zoo).map((m) => [m.name, modelCurves(m, { seed: 2, steps: 1, sequenceLength: 12 }).stateGradients]));
    expect(Object.entries(curves).filter(([, c]) => c !== null).map(([name]) => name)).toEqual(['elman', 'lstm', 'gru']);
    for (const name of ['elman', 'lstm', 'gru']) expect(curves[name]!.norms).toHaveLength(13);
    expect(curves.elman!.bound).toHaveLength(13);
    expect(curves.lstm!.bound).toBeNull();
    curves.elman!.norms.forEach((n, t) => expect(n).toBeLessThanOrEqual(curves.elman!.bound![t]! * (1 + 1e-12)));
  });
});
