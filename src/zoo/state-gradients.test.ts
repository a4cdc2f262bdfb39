import fc from 'fast-check';
import { expect, test } from 'vitest';
import { checkGradients } from '../check/index.js';
import { Tensor } from '../tensor/index.js';
import { inputColumns } from './define.js';
import { elmanJacobianBound, recurrent } from './index.js';
import type { Params, RecurrentModel, SequenceBatch } from './model.js';
import { stateGradients } from './state-gradients.js';

type Deltas = (model: RecurrentModel, params: Params, batch: SequenceBatch) => Float64Array[];

/** The loss as a function of h_k alone (the rest of the state at step k held), with δ_k as its vjp. */
function fromStep(model: RecurrentModel, params: Params, { xs, y }: SequenceBatch, k: number, deltas: Float64Array[]) {
  const columns = inputColumns(xs);
  let state = model.initialState(params);
  for (const c of columns.slice(0, k)) state = model.step(params, c, state);
  const [h, ...rest] = state;
  return {
    h: h!,
    target: {
      name: `${model.name}: L as a function of h_${k}`,
      forward: ([hk]: readonly Tensor[]) => {
        let s = [hk!, ...rest];
        for (const c of columns.slice(k)) s = model.step(params, c, s);
        return model.readout(params, s, y);
      },
      vjp: ([hk]: readonly Tensor[], g: Tensor) => [new Tensor(deltas[k]!.map((d) => d * g.item()), hk!.shape)],
    },
  };
}

const cases = fc.record({
  model: fc.constantFrom(...Object.values(recurrent)),
  steps: fc.integer({ min: 1, max: 6 }),
  seed: fc.nat(1000),
  k: fc.nat(),
});

function agreesWithFiniteDifferences(deltas: Deltas) {
  return fc.property(cases, ({ model: base, steps, seed, k: draw }) => {
    const model = base.configure({ steps }) as RecurrentModel;
    const params = model.init(seed);
    const batch = model.sampleBatch(seed);
    const all = deltas(model, params, batch);
    expect(all).toHaveLength(steps + 1);
    const k = draw % (steps + 1);
    const { h, target } = fromStep(model, params, batch, k, all);
    const report = checkGradients(target, [h], { seed });
    if (!report.ok) throw new Error(report.message);
  });
}

test('δ_t = ∂L/∂h_t of every recurrent model agrees with finite differences of the loss from step t', () => {
  fc.assert(agreesWithFiniteDifferences((model, params, batch) => stateGradients(model, params, batch)), { numRuns: 40 });
});

test('broken twin: δ read one step late (δ_{t+1} for δ_t) disagrees', () => {
  const late: Deltas = (model, params, batch) => {
    const ds = stateGradients(model, params, batch);
    return ds.map((_, t) => ds[Math.min(t + 1, ds.length - 1)]!);
  };
  expect(fc.check(agreesWithFiniteDifferences(late), { numRuns: 40 }).failed).toBe(true);
});

type Bound = (params: Params, xs: Tensor) => number[];

function boundsTheGradient(bound: Bound) {
  return fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(1000), (steps, seed) => {
    const model = recurrent.elman.configure({ steps });
    const params = model.init(seed);
    const batch = model.sampleBatch(seed);
    const norms = stateGradients(model, params, batch).map((d) => Math.hypot(...d));
    const b = bound(params, batch.xs);
    norms.forEach((norm, k) => {
      if (!(norm <= b[k]! * norms[steps]! * (1 + 1e-12))) throw new Error(`‖δ_${k}‖ = ${norm} > bound ${b[k]! * norms[steps]!}`);
    });
  });
}

test("Elman's stateJacobianBound times ‖δ_T‖ bounds every ‖δ_k‖", () => {
  fc.assert(boundsTheGradient((params, xs) => recurrent.elman.stateJacobianBound!(params, xs)), { numRuns: 100 });
});

test('broken twin: a bound taken with the root-mean-square entry of Wh instead of a norm does not hold', () => {
  const rms: Bound = (params, xs) => elmanJacobianBound(params, xs, Math.hypot(...params.Wh!.data) / params.Wh!.shape[0]!);
  expect(fc.check(boundsTheGradient(rms), { numRuns: 100 }).failed).toBe(true);
});
