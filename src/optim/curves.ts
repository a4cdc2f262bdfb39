/**
 * The pictures of a model learning, as data: the loss over a short run of gradient descent (with
 * the hand-written backward beside the engine's, where the model has one — the curves must lie on
 * each other), and for a recurrent model the gradient reaching each time step, ‖∂L/∂h_t‖, with
 * the bound the lecture derives for it.
 */
import { type AnyModel, type RecurrentModel, stateGradients } from '../zoo/index.js';
import { sgd } from './sgd.js';
import { train } from './train.js';

/** The loss over a run of gradient descent, with one backward. */
export interface LossCurve {
  backward: 'engine' | 'manualGrad';
  /** The loss before each step (losses[0] at the initial parameters), then after the last. */
  losses: number[];
}

/** How much gradient reaches each time step of one sequence. */
export interface StateGradientNorms {
  /** T: the sequence length. */
  steps: number;
  /** ‖∂L/∂h_t‖₂ for t = 0..T. */
  norms: number[];
  /** Where the model derives one: ‖∂h_T/∂h_t‖₂'s bound times ‖∂L/∂h_T‖₂, for t = 0..T. */
  bound: number[] | null;
}

/** A model learning: what the report's loss and gradient-over-time charts are drawn from. */
export interface ModelCurves {
  model: string;
  /** Parameters from init(seed), the batch from sampleBatch(seed), the sequence for the norms too. */
  seed: number;
  /** The optimiser, as sgd names itself: `sgd(lr=0.1)`. */
  optimizer: string;
  training: LossCurve[];
  stateGradients: StateGradientNorms | null;
}

/** The seed of the parameters, batch and sequence, and how long to train. */
export interface CurveOptions {
  seed: number;
  /** Gradient-descent steps on one batch (default 60). */
  steps?: number;
  /** Learning rate (default 0.1: every zoo model's loss falls with it). */
  lr?: number;
  /** The sequence length T for ‖∂L/∂h_t‖ (default 30: long enough for the gradient to fade). */
  sequenceLength?: number;
}

/**
 * A model's curves: `steps` of sgd from init(seed) on sampleBatch(seed) with the engine's gradient
 * (and the hand-written one, where the model has it), and for a recurrent model ‖∂L/∂h_t‖ over a
 * sequence of `sequenceLength` steps with its bound.
 */
export function modelCurves(model: AnyModel, { seed, steps = 60, lr = 0.1, sequenceLength = 30 }: CurveOptions): ModelCurves {
  const optimizer = sgd({ lr });
  const params = model.init(seed);
  const batch = model.sampleBatch(seed);
  const run = (backward: LossCurve['backward']): LossCurve => {
    const lossAndGrad = backward === 'engine' ? undefined : model.manualGrad!.bind(model);
    const { losses, finalLoss } = train(model, params, batch, { steps, optimizer, ...(lossAndGrad ? { lossAndGrad } : {}) });
    return { backward, losses: [...losses, finalLoss] };
  };
  return {
    model: model.name,
    seed,
    optimizer: optimizer.name,
    training: [run('engine'), ...(typeof model.manualGrad === 'function' ? [run('manualGrad')] : [])],
    stateGradients: isRecurrent(model) ? stateGradientNorms(model.configure({ steps: sequenceLength }), seed) : null,
  };
}

function stateGradientNorms(model: RecurrentModel, seed: number): StateGradientNorms {
  const params = model.init(seed);
  const batch = model.sampleBatch(seed);
  const norms = stateGradients(model, params, batch).map((delta) => Math.hypot(...delta));
  const last = norms[norms.length - 1]!;
  const bound = model.stateJacobianBound?.(params, batch.xs).map((b) => b * last) ?? null;
  return { steps: norms.length - 1, norms, bound };
}

function isRecurrent(model: AnyModel): model is RecurrentModel {
  return Array.isArray((model as Partial<RecurrentModel>).sharedNames) && typeof (model as Partial<RecurrentModel>).step === 'function';
}
