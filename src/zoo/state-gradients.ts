/**
 * The vanishing-gradient picture: how much of the loss's gradient reaches each time step. A zero
 * probe z_t is added to every state h_t (t = 0..T); the loss as a function of the probes,
 * differentiated once at z = 0, gives every δ_t = ∂L/∂h_t in one backward pass — the δ_t that
 * backpropagation through time carries back, step by step.
 */
import { valueAndGrad } from '../autodiff/index.js';
import { add } from '../ops/index.js';
import { type Tensor, zeros } from '../tensor/index.js';
import { inputColumns } from './define.js';
import type { Params, RecurrentModel, SequenceBatch } from './model.js';

/** δ_t = ∂L/∂h_t for t = 0..T (h is state[0]; an LSTM's cell state is held fixed). */
export function stateGradients(model: RecurrentModel, params: Params, { xs, y }: SequenceBatch): Float64Array[] {
  const columns = inputColumns(xs);
  const shape = model.initialState(params)[0]!.shape;
  const probes = Array.from({ length: columns.length + 1 }, () => zeros(shape));
  const probed = ([h, ...rest]: readonly Tensor[], z: Tensor): Tensor[] => [add(h!, z), ...rest];
  const loss = (...zs: Tensor[]): Tensor => {
    let state = probed(model.initialState(params), zs[0]!);
    columns.forEach((c, t) => (state = probed(model.step(params, c, state), zs[t + 1]!)));
    return model.readout(params, state, y);
  };
  const { grad } = valueAndGrad(loss, probes.map((_, t) => t))(...probes);
  return grad.map((g) => g.data);
}
