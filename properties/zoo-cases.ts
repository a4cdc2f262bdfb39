/**
 * Generated cases for the zoo's properties: a model of generated sizes (and activation, loss…),
 * parameters and a batch of those sizes. Values come from src/arbitraries, so a failure shrinks
 * the sizes first and then the values.
 */
import fc from 'fast-check';
import { ids, tensorOf } from '../src/arbitraries/index.js';
import type { CheckOptions, Differentiable } from '../src/check/index.js';
import { Tensor } from '../src/tensor/index.js';
import { type Model, type Params, type RecurrentModel, type SequenceBatch, zoo } from '../src/zoo/index.js';
import type { ElmanConfig, MlpBatch, MlpConfig, NeuronBatch, NplmBatch, NplmConfig } from '../src/zoo/index.js';

export interface ModelCase<Batch = unknown> {
  model: Model<Batch, any>;
  params: Params;
  batch: Batch;
}

export interface RecurrentModelCase {
  model: RecurrentModel<ElmanConfig>;
  params: Params;
  batch: SequenceBatch;
}

/** Parameter values: moderate, so tanh units are neither all linear nor all saturated. */
const WEIGHTS = { min: -1.5, max: 1.5 };

/** Values for every parameter of a configured model, by its paramShapes. */
export function paramsOf(model: Model<any, any>, values = WEIGHTS): fc.Arbitrary<Params> {
  return fc.record(Object.fromEntries(Object.entries(model.paramShapes).map(([name, shape]) => [name, tensorOf(shape, values)])));
}

export function neuronCases(): fc.Arbitrary<ModelCase<NeuronBatch>> {
  return fc.integer({ min: 1, max: 6 }).chain((B) => {
    const model = zoo.neuron.configure({ batchSize: B });
    return fc.record({
      model: fc.constant(model),
      params: paramsOf(model, { min: -2, max: 2 }),
      batch: fc.record({ x: tensorOf([B], { min: -2, max: 2 }), y: tensorOf([B], { min: -0.9, max: 0.9 }) }),
    });
  });
}

const side = (max: number) => fc.integer({ min: 1, max });

export function mlpCases(options: { activations?: MlpConfig['activation'][]; losses?: MlpConfig['loss'][] } = {}): fc.Arbitrary<ModelCase<MlpBatch>> {
  const { activations = ['tanh', 'relu', 'sigmoid'], losses = ['square', 'crossEntropy'] } = options;
  const config = fc.record({
    sizes: fc.array(side(4), { minLength: 2, maxLength: 4 }),
    activation: fc.constantFrom(...activations),
    loss: fc.constantFrom(...losses),
    batchSize: side(4),
  });
  return config.chain((c) => {
    const model = zoo.mlp.configure(c);
    const inputs = c.sizes[0]!;
    const outputs = c.sizes[c.sizes.length - 1]!;
    const y = c.loss === 'square' ? tensorOf([c.batchSize, outputs]) : ids([c.batchSize], outputs);
    const cases = fc.record({
      model: fc.constant(model),
      params: paramsOf(model),
      batch: fc.record({ x: tensorOf([c.batchSize, inputs], { min: -2, max: 2 }), y }),
    });
    return cases;
  });
}

export function nplmCases(options: { bias?: boolean[]; maxVocab?: number } = {}): fc.Arbitrary<ModelCase<NplmBatch>> {
  const config = fc.record({
    vocab: fc.integer({ min: 2, max: options.maxVocab ?? 8 }),
    dim: side(3),
    hidden: side(4),
    bias: fc.constantFrom(...(options.bias ?? [false, true])),
    batchSize: side(4),
  });
  return config.chain((c: NplmConfig) => {
    const model = zoo.nplm.configure(c);
    return fc.record({
      model: fc.constant(model),
      params: paramsOf(model),
      batch: fc.record({ context: ids([c.batchSize, 3], c.vocab), target: ids([c.batchSize], c.vocab) }),
    });
  });
}

export interface RecurrentSizes {
  maxSteps?: number;
  minSteps?: number;
  maxHidden?: number;
}

/** Sizes T, D, H, O for a recurrent model. */
export function recurrentConfigs({ maxSteps = 5, minSteps = 1, maxHidden = 4 }: RecurrentSizes = {}): fc.Arbitrary<ElmanConfig> {
  return fc.record({ steps: fc.integer({ min: minSteps, max: maxSteps }), input: side(3), hidden: side(maxHidden), output: side(3) });
}

export function recurrentCases(
  base: RecurrentModel<ElmanConfig>,
  sizes: RecurrentSizes = {},
  values: { params?: { min: number; max: number }; xs?: { min: number; max: number } } = {},
): fc.Arbitrary<RecurrentModelCase> {
  return recurrentConfigs(sizes).chain((c) => {
    const model = base.configure(c);
    return fc.record({
      model: fc.constant(model),
      params: paramsOf(model, values.params ?? { min: -1, max: 1 }),
      batch: fc.record({ xs: tensorOf([c.steps, c.input], values.xs ?? { min: -2, max: 2 }), y: tensorOf([c.output]) }),
    });
  });
}

/** A case's checker target and inputs: the model's asDifferentiable(batch) at its parameters. */
export function targetOf<B>({ model, params, batch }: ModelCase<B>): { target: Differentiable; inputs: Tensor[] } {
  return { target: model.asDifferentiable(batch), inputs: model.paramNames.map((name) => params[name]!) };
}

/** The largest |a − b| relative to 1 + |b| over every entry of two gradient records. */
export function gradDistance(a: Params, b: Params): { distance: number; where: string } {
  let distance = 0;
  let where = '';
  for (const [name, t] of Object.entries(b)) {
    const other = a[name];
    if (other === undefined || other.size !== t.size) return { distance: Infinity, where: `${name} missing or of another shape` };
    t.data.forEach((v, i) => {
      const d = Math.abs(other.data[i]! - v) / (1 + Math.abs(v));
      if (d > distance) {
        distance = d;
        where = `${name}[${i}]: ${other.data[i]} vs ${v}`;
      }
    });
  }
  return { distance, where };
}

/** Each zoo model's cases, by the model's name, with smooth activations only. */
export function smoothModelCases(): Record<keyof typeof zoo, fc.Arbitrary<ModelCase<any>>> {
  return {
    neuron: neuronCases(),
    mlp: mlpCases({ activations: ['tanh', 'sigmoid'] }),
    nplm: nplmCases(),
    elman: recurrentCases(zoo.elman),
    lstm: recurrentCases(zoo.lstm, { maxSteps: 3, maxHidden: 3 }),
    gru: recurrentCases(zoo.gru, { maxSteps: 3, maxHidden: 3 }),
  };
}

/** Any zoo model's case; `relu` adds relu MLPs (kinks: not for properties that need smoothness). */
export function anyModelCase({ relu = false } = {}): fc.Arbitrary<ModelCase<any>> {
  return fc.oneof(...Object.values(smoothModelCases()), ...(relu ? [mlpCases({ activations: ['relu'] })] : []));
}

/** A broken twin must fail the property within `numRuns` cases (no shrinking: the failure is the point). */
export function mustFail(property: fc.IProperty<any>, numRuns = 100): void {
  const details = fc.check(property, { numRuns, endOnFailure: true }) as fc.RunDetails<unknown>;
  if (!details.failed) throw new Error(`the broken twin passed ${details.numRuns} cases: this property cannot fail`);
}

