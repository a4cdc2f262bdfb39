/**
 * Long short-term memory (Hochreiter & Schmidhuber, 1997): a gated answer to the vanishing
 * gradient. The cell state c_t is carried forward by elementwise products with the forget gate
 * instead of a fresh matrix product and tanh at every step, so ∂c_T/∂c_k = ∏ f_j can stay near 1.
 *
 * PyTorch's conventions (torch.nn.LSTM, one layer): gates stacked in the order i, f, g, o in
 * W_ih [4H, D], W_hh [4H, H], b_ih [4H], b_hh [4H]; h_0 = c_0 = 0;
 *
 *   i_t = σ(W_ii c_t + b_ii + W_hi h_{t−1} + b_hi)        input gate
 *   f_t = σ(W_if c_t + b_if + W_hf h_{t−1} + b_hf)        forget gate
 *   g_t = tanh(W_ig c_t + b_ig + W_hg h_{t−1} + b_hg)     candidate cell
 *   o_t = σ(W_io c_t + b_io + W_ho h_{t−1} + b_ho)        output gate
 *   c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
 *   h_t = o_t ⊙ tanh(c_t)
 *
 * and, as for the Elman network, the loss reads the last state: o = Wo h_T, L = ½‖y − o‖².
 */
import { add, matmul, mul, sigmoid, tanh } from '../ops/index.js';
import { uniform, zeros } from '../tensor/index.js';
import { defineRecurrent } from './define.js';
import { type ElmanConfig, squareLoss } from './elman.js';
import { affine, gate } from './gates.js';

/** The LSTM's sizes, as the Elman RNN's. */
export type LstmConfig = ElmanConfig;

export const lstm = defineRecurrent<LstmConfig>({
  name: 'lstm',
  defaults: { input: 2, hidden: 3, output: 2, steps: 4 },
  paramShapes: ({ input: D, hidden: H, output: O }) => ({
    W_ih: [4 * H, D],
    W_hh: [4 * H, H],
    b_ih: [4 * H],
    b_hh: [4 * H],
    Wo: [O, H],
  }),
  sharedNames: ['W_ih', 'W_hh', 'b_ih', 'b_hh'],
  // PyTorch's initialisation: every parameter ~ U(−1/√H, 1/√H).
  initParam: (_name, shape, seed, { hidden }) => uniform(shape, seed, -1 / Math.sqrt(hidden), 1 / Math.sqrt(hidden)),
  sampleBatch: (seed, { input, output, steps }) => ({ xs: uniform([steps, input], seed, -2, 2), y: uniform([output], seed + 1, -1, 1) }),
  initialState: ({ W_hh }) => {
    const H = W_hh!.shape[1]!;
    return [zeros([H, 1]), zeros([H, 1])];
  },
  step: ({ W_ih, W_hh, b_ih, b_hh }, x, [h, c]) => {
    const H = W_hh!.shape[1]!;
    const pre = add(affine(W_ih!, b_ih!, x), affine(W_hh!, b_hh!, h!));
    const i = sigmoid(gate(pre, 0, H));
    const f = sigmoid(gate(pre, 1, H));
    const g = tanh(gate(pre, 2, H));
    const o = sigmoid(gate(pre, 3, H));
    const cNext = add(mul(f, c!), mul(i, g));
    return [mul(o, tanh(cNext)), cNext];
  },
  readout: ({ Wo }, [h], y) => squareLoss(matmul(Wo!, h!), y),
});
