import { ShapeError, Tensor, formatShape, shapesEqual } from '../tensor/index.js';
import type { Params } from '../zoo/index.js';
import { clipByGlobalNorm } from './clip.js';

/**
 * An optimiser as pure functions: `init` makes its state from the parameters, `step` takes
 * parameters, gradients and state and returns new ones. Nothing is updated in place.
 */
export interface Optimizer<State = unknown> {
  name: string;
  /** The state before the first step (momentum buffers, …). */
  init(params: Params): State;
  /** The parameters after one step against the gradients, and the state after it. */
  step(params: Params, grads: Params, state: State): { params: Params; state: State };
}

/** Stochastic gradient descent's settings. */
export interface SgdOptions {
  /** η, the learning rate: θ_new = θ_old − η dL/dθ. */
  lr: number;
  /** μ: v ← μ v + g, θ ← θ − η v (PyTorch's convention). 0 by default: plain gradient descent. */
  momentum?: number;
  /** Clip the gradients to this global norm before the step (see clipByGlobalNorm). */
  clipNorm?: number;
}

/** The velocity per parameter; empty without momentum. */
export type SgdState = Params;

/**
 * Gradient descent, the lecture's update: take a step in the direction of the negative gradient,
 *
 *   θ_new = θ_old − η dL/dθ,
 *
 * optionally with momentum and global-norm clipping.
 */
export function sgd({ lr, momentum = 0, clipNorm }: SgdOptions): Optimizer<SgdState> {
  if (!(lr > 0)) throw new RangeError(`sgd: expected a positive learning rate, got ${lr}`);
  if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`sgd: expected momentum in [0, 1), got ${momentum}`);
  return {
    name: `sgd(lr=${lr}${momentum ? `, momentum=${momentum}` : ''}${clipNorm !== undefined ? `, clipNorm=${clipNorm}` : ''})`,
    init: () => ({}),
    step: (params, rawGrads, state) => {
      const grads = clipNorm === undefined ? rawGrads : clipByGlobalNorm(rawGrads, clipNorm);
      const next: Params = {};
      const velocity: SgdState = {};
      for (const [name, theta] of Object.entries(params)) {
        const g = grads[name];
        if (g === undefined) throw new ShapeError('sgd', `a gradient for parameter ${name}`, `none`);
        if (!shapesEqual(g.shape, theta.shape)) throw new ShapeError('sgd', `the gradient of ${name} of shape ${formatShape(theta.shape)}`, `shape ${formatShape(g.shape)}`);
        let direction = g.data;
        if (momentum > 0) {
          const v = state[name]?.data;
          direction = g.data.map((gi, i) => momentum * (v?.[i] ?? 0) + gi);
          velocity[name] = new Tensor(direction, g.shape);
        }
        next[name] = new Tensor(theta.data.map((t, i) => t - lr * direction[i]!), theta.shape);
      }
      return { params: next, state: velocity };
    },
  };
}
