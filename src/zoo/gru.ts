/**
 * Gated recurrent unit (Cho et al., 2014): the other gated answer to the vanishing gradient. The
 * new state is a convex mix of the old one and a candidate, so the path h_{t−1} → h_t has the
 * elementwise factor z_t alongside the matrix product.
 *
 * PyTorch's conventions (torch.nn.GRU, one layer): gates stacked in the order r, z, n in
 * W_ih [3H, D], W_hh [3H, H], b_ih [3H], b_hh [3H]; h_0 = 0;
 *
 *   r_t = σ(W_ir c_t + b_ir + W_hr h_{t−1} + b_hr)              reset gate
 *   z_t = σ(W_iz c_t + b_iz + W_hz h_{t−1} + b_hz)              update gate
 *   n_t = tanh(W_in c_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))   candidate (b_hn inside the r_t ⊙)
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 *
 * and, as for the Elman network, o = Wo h_T, L = ½‖y − o‖².
 */
import { add, matmul, mul, sigmoid, sub, tanh } from '../ops/index.js';
import { ones, uniform, zeros } from '../tensor/index.js';
import { defineRecurrent } from './define.js';
import { type ElmanConfig, squareLoss } from './elman.js';
import { affine, gate } from './gates.js';

/** The GRU's sizes, as the Elman RNN's. */
export type GruConfig = ElmanConfig;

export const gru = defineRecurrent<GruConfig>({
  name: 'gru',
  defaults: { input: 2, hidden: 3, output: 2, steps: 4 },
  paramShapes: ({ input: D, hidden: H, output: O }) => ({
    W_ih: [3 * H, D],
    W_hh: [3 * H, H],
    b_ih: [3 * H],
    b_hh: [3 * H],
    Wo: [O, H],
  }),
  sharedNames: ['W_ih', 'W_hh', 'b_ih', 'b_hh'],
  // PyTorch's initialisation: every parameter ~ U(−1/√H, 1/√H).
  initParam: (_name, shape, seed, { hidden }) => uniform(shape, seed, -1 / Math.sqrt(hidden), 1 / Math.sqrt(hidden)),
  sampleBatch: (seed, { input, output, steps }) => ({ xs: uniform([steps, input], seed, -2, 2), y: uniform([output], seed + 1, -1, 1) }),
  initialState: ({ W_hh }) => [zeros([W_hh!.shape[1]!, 1])],
  step: ({ W_ih, W_hh, b_ih, b_hh }, x, [h]) => {
    const H = W_hh!.shape[1]!;
    const fromInput = affine(W_ih!, b_ih!, x);
    const fromState = affine(W_hh!, b_hh!, h!);
    const r = sigmoid(add(gate(fromInput, 0, H), gate(fromState, 0, H)));
    const z = sigmoid(add(gate(fromInput, 1, H), gate(fromState, 1, H)));
    const n = tanh(add(gate(fromInput, 2, H), mul(r, gate(fromState, 2, H))));
    return [add(mul(sub(ones(z.shape), z), n), mul(z, h!))];
  },
  readout: ({ Wo }, [h], y) => squareLoss(matmul(Wo!, h!), y),
});
