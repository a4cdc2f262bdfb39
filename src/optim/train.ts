import type { LossAndGrad, Model, Params } from '../zoo/index.js';
import type { Optimizer } from './sgd.js';

/** How train trains: how many steps, with which optimiser, and whose gradients. */
export interface TrainOptions<Batch> {
  steps: number;
  optimizer: Optimizer<any>;
  /** How gradients are computed; the model's autodiff lossAndGrad by default. */
  lossAndGrad?: (params: Params, batch: Batch) => LossAndGrad;
}

/** What train returns: the final parameters and the loss along the way. */
export interface TrainResult {
  params: Params;
  /** The loss at each step, before that step's update (losses[0] is the loss at the start). */
  losses: number[];
  /** The loss after the last update, on the batch the last step used. */
  finalLoss: number;
}

/**
 * `steps` optimiser steps, cycling through the batches (or always the one batch), recording the
 * loss history. Pure: the given parameters are not changed.
 */
export function train<Batch>(
  model: Model<Batch, any>,
  params: Params,
  data: Batch | readonly Batch[],
  { steps, optimizer, lossAndGrad = (p, b) => model.lossAndGrad(p, b) }: TrainOptions<Batch>,
): TrainResult {
  const batches: readonly Batch[] = Array.isArray(data) ? data : [data as Batch];
  if (batches.length === 0) throw new RangeError('train: no batches to train on');
  if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`train: expected a whole number of steps, got ${steps}`);
  let state = optimizer.init(params);
  let current = params;
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { loss, grads } = lossAndGrad(current, batches[s % batches.length]!);
    losses.push(loss);
    ({ params: current, state } = optimizer.step(current, grads, state));
  }
  const last = batches[Math.max(0, steps - 1) % batches.length]!;
  return { params: current, losses, finalLoss: model.loss(current, last).item() };
}
