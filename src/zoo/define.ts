import { asDifferentiable, valueAndGrad } from '../autodiff/index.js';
import { reshape, slice } from '../ops/index.js';
import { Rng, type Shape, ShapeError, type Tensor, formatShape, randn, shapesEqual, zeros } from '../tensor/index.js';
import type { LossAndGrad, ManualGradOptions, Model, Params, RecurrentModel, SequenceBatch } from './model.js';

/** What every model file writes, a feed-forward or a recurrent one. */
export interface ModelBase<Batch, Config> {
  name: string;
  defaults: Config;
  /** The parameters' shapes, in `paramNames` order. */
  paramShapes(config: Config): Record<string, Shape>;
  /** One parameter's initial value; by default weights ~ N(0, 1/fan_in) and vectors zero. */
  initParam?(name: string, shape: Shape, seed: number, config: Config): Tensor;
  /** A seeded batch of data: the same seed gives the same batch. */
  sampleBatch(seed: number, config: Config): Batch;
  /** The loss and its gradients derived by hand, where the lecture derives them. */
  manualGrad?(params: Params, batch: Batch, config: Config, options: ManualGradOptions): LossAndGrad;
}

/** What a model file writes; `defineModel` adds the rest of the Model interface. */
export interface ModelSpec<Batch, Config> extends ModelBase<Batch, Config> {
  /** The scalar loss, built from ops (the engine differentiates it). */
  loss(params: Params, batch: Batch, config: Config): Tensor;
}

/** A model from its spec, bound to a config (the spec's defaults unless given): init, batches, loss and gradients by the engine, and a checker target. */
export function defineModel<Batch, Config>(spec: ModelSpec<Batch, Config>, config: Config = spec.defaults): Model<Batch, Config> {
  const shapes = spec.paramShapes(config);
  const paramNames = Object.keys(shapes);
  const lossOf = (params: Params, batch: Batch): Tensor => spec.loss(checkParams(spec.name, shapes, params), batch, config);
  const model: Model<Batch, Config> = {
    name: spec.name,
    config,
    paramNames,
    paramShapes: shapes,
    configure: (overrides = {}) => defineModel(spec, { ...config, ...overrides }),
    init: (seed, overrides) => {
      if (overrides !== undefined) return model.configure(overrides).init(seed);
      const rng = new Rng(seed);
      return Object.fromEntries(
        paramNames.map((name) => {
          const paramSeed = rng.int(0, 2 ** 31);
          return [name, (spec.initParam ?? defaultInit)(name, shapes[name]!, paramSeed, config)];
        }),
      );
    },
    sampleBatch: (seed, overrides) => (overrides !== undefined ? model.configure(overrides).sampleBatch(seed) : spec.sampleBatch(seed, config)),
    loss: lossOf,
    lossAndGrad: (params, batch) => {
      const f = (...values: Tensor[]): Tensor => lossOf(byName(paramNames, values), batch);
      const { value, grad } = valueAndGrad(f, paramNames.map((_, i) => i))(...paramNames.map((name) => params[name]!));
      return { loss: value.item(), grads: byName(paramNames, grad) };
    },
    asDifferentiable: (batch) =>
      asDifferentiable(spec.name, (...values: Tensor[]) => lossOf(byName(paramNames, values), batch)),
  };
  const manual = spec.manualGrad;
  if (manual !== undefined) {
    model.manualGrad = (params, batch, options = {}) => manual(checkParams(spec.name, shapes, params), batch, config, options);
  }
  return model;
}

/** What a recurrent model file writes: one step, the initial state and the readout. */
export interface RecurrentSpec<Config> extends ModelBase<SequenceBatch, Config> {
  /** The weights every step uses (tied over time). */
  sharedNames: readonly string[];
  /** The state before the first step. */
  initialState(params: Params, config: Config): Tensor[];
  /** The next state from the input c_t and the state before it. */
  step(params: Params, input: Tensor, state: readonly Tensor[], config: Config): Tensor[];
  /** The loss read from the last state against the target y. */
  readout(params: Params, state: readonly Tensor[], y: Tensor, config: Config): Tensor;
  /** Where the lecture derives one: an upper bound on ‖∂h_T/∂h_k‖₂ for k = 0..T (see RecurrentModel). */
  stateJacobianBound?(params: Params, xs: Tensor): number[];
}

/** A recurrent model: the loss is the step folded over c_1..c_T from the initial state, then read out. */
export function defineRecurrent<Config>(spec: RecurrentSpec<Config>, config: Config = spec.defaults): RecurrentModel<Config> {
  const base = defineModel<SequenceBatch, Config>(
    {
      ...spec,
      loss: (params, { xs, y }) => {
        let state = spec.initialState(params, config);
        for (const c of inputColumns(xs)) state = spec.step(params, c, state, config);
        return spec.readout(params, state, y, config);
      },
    },
    config,
  );
  return {
    ...base,
    sharedNames: spec.sharedNames,
    configure: (overrides = {}) => defineRecurrent(spec, { ...config, ...overrides }),
    initialState: (params) => spec.initialState(params, config),
    step: (params, input, state) => spec.step(params, input, state, config),
    readout: (params, state, y) => spec.readout(params, state, y, config),
    ...(spec.stateJacobianBound ? { stateJacobianBound: spec.stateJacobianBound } : {}),
  };
}

/** c_1..c_T as columns [D, 1], taken with ops so that a gradient can flow back to xs. */
export function inputColumns(xs: Tensor): Tensor[] {
  if (xs.rank !== 2) throw new ShapeError('zoo', 'a sequence xs of shape [T, D]', `shape ${formatShape(xs.shape)}`);
  const [T, D] = xs.shape as [number, number];
  return Array.from({ length: T }, (_, t) => reshape(slice(xs, { axis: 0, start: t, end: t + 1 }), [D, 1]));
}

export function byName(names: readonly string[], values: readonly Tensor[]): Params {
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

function checkParams(model: string, shapes: Record<string, Shape>, params: Params): Params {
  for (const [name, shape] of Object.entries(shapes)) {
    const value = params[name];
    if (value === undefined) throw new ShapeError(model, `a parameter ${name} of shape ${formatShape(shape)}`, `none (given ${Object.keys(params).join(', ') || 'no parameters'})`);
    if (!shapesEqual(value.shape, shape)) throw new ShapeError(model, `parameter ${name} of shape ${formatShape(shape)}`, `shape ${formatShape(value.shape)}`);
  }
  return params;
}

/** Weights ~ N(0, 1/fan_in) (fan_in = the last side), so that tanh units start off unsaturated; vectors zero. */
function defaultInit(_name: string, shape: Shape, seed: number): Tensor {
  if (shape.length === 1) return zeros(shape);
  const fanIn = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  return randn(shape, seed, 1 / Math.sqrt(fanIn));
}
