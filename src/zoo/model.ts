import type { Differentiable } from '../check/index.js';
import type { Shape, Tensor } from '../tensor/index.js';

/** A model's parameters by name: `{ w1, w2 }`, `{ E, W1, W2 }`, `{ We, Wh, Wo }`. */
export type Params = Record<string, Tensor>;

/** The loss at a batch and its gradient with respect to every parameter (same names, same shapes). */
export interface LossAndGrad {
  loss: number;
  grads: Params;
}

/** Options of a hand-written backward. */
export interface ManualGradOptions {
  /**
   * Truncated backpropagation through time: step back at most this many time steps from the end
   * (the state before them is treated as a constant). Recurrent models only; omitted means all.
   */
  truncate?: number;
}

/**
 * The one shape every zoo model has, so that the checker, the laws, the optimiser and the CLI
 * treat them alike.
 *
 * A model is bound to a config (sizes, activation, loss…). `configure(overrides)` gives the same
 * model with other settings; `init(seed, overrides)` and `sampleBatch(seed, overrides)` are
 * shorthands for `configure(overrides).init(seed)` and `.sampleBatch(seed)`. Use `configure` when
 * the parameter list changes (an MLP's depth, the NPLM's biases), so that `paramNames` and
 * `asDifferentiable` agree with the parameters.
 */
export interface Model<Batch = unknown, Config = unknown> {
  readonly name: string;
  readonly config: Config;
  /** The parameters, in the order `asDifferentiable` takes them as inputs. */
  readonly paramNames: readonly string[];
  /** Each parameter's shape under this model's config. */
  readonly paramShapes: Readonly<Record<string, Shape>>;
  /** The same model with some settings changed. */
  configure(overrides?: Partial<Config>): Model<Batch, Config>;
  /** Seeded initial parameters: the same seed gives the same parameters. */
  init(seed: number, config?: Partial<Config>): Params;
  /** A seeded batch of the config's sizes. */
  sampleBatch(seed: number, config?: Partial<Config>): Batch;
  /** The scalar loss, built from ops: what the engine differentiates. */
  loss(params: Params, batch: Batch): Tensor;
  /** The loss and its gradient through the engine (reverse mode). */
  lossAndGrad(params: Params, batch: Batch): LossAndGrad;
  /** The backward written out by hand as the lecture derives it (where it does). */
  manualGrad?(params: Params, batch: Batch, options?: ManualGradOptions): LossAndGrad;
  /** A checker target: inputs are the parameters in `paramNames` order, output the scalar loss. */
  asDifferentiable(batch: Batch): Differentiable;
}

/** One sequence for the recurrent models: inputs c_1..c_T as the rows of xs, and the target. */
export interface SequenceBatch {
  /** Shape [T, D]: row t − 1 is the input c_t. */
  xs: Tensor;
  /** Shape [O]: the target for the output read from the last state. */
  y: Tensor;
}

/**
 * A recurrent model is a step applied T times with the same (shared, tied) weights, then a
 * readout. Exposing the step lets a law unroll the model with an untied copy of every shared
 * weight per time step (see src/laws/bptt.ts).
 */
export interface RecurrentModel<Config = unknown> extends Model<SequenceBatch, Config> {
  /** The weights every step uses: BPTT sums their gradient over time steps. */
  readonly sharedNames: readonly string[];
  /** The same model with some settings changed. */
  configure(overrides?: Partial<Config>): RecurrentModel<Config>;
  /** The state before the first step (h_0 = 0, and c_0 = 0 for the LSTM); state[0] is h. */
  initialState(params: Params): Tensor[];
  /** One time step: the state after reading input c_t (a column [D, 1]). */
  step(params: Params, input: Tensor, state: readonly Tensor[]): Tensor[];
  /** The loss read from the last state. */
  readout(params: Params, state: readonly Tensor[], y: Tensor): Tensor;
  /**
   * Where the lecture derives one: an upper bound on ‖∂h_T/∂h_k‖₂ for k = 0..T at a sequence
   * xs [T, D], so that ‖∂L/∂h_k‖ ≤ bound[k] · ‖∂L/∂h_T‖ when the loss reads h_T alone.
   */
  stateJacobianBound?(params: Params, xs: Tensor): number[];
}

/** Any model, for code that treats them all alike. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any>;
