/**
 * The lecture's recurrent network (Elman, 1990), reading a sequence c_1..c_T and predicting y from
 * the last state:
 *
 *   h_0 = 0
 *   h_t = tanh(We c_t + Wh h_{t−1})      t = 1..T, the same We and Wh at every step
 *   o   = Wo h_T
 *   L   = ½‖y − o‖²
 *
 * Parameters We [H, D], Wh [H, H], Wo [O, H]; a batch is one sequence { xs: [T, D], y: [O] }.
 *
 * Backpropagation through time, as the notes write it: dL/dWo = −(y − o) h_Tᵀ is one product, but
 * We and Wh are shared by every step, so their gradients are sums of one contribution per step,
 * "accumulated as we step back through time":
 *
 *   δ_T = dL/dh_T = Woᵀ(o − y)
 *   for t = T, T−1, …, 1:
 *     a_t      = δ_t ⊙ (1 − h_t²)           back through tanh (h_t cached from the forward)
 *     dL/dWe  += a_t c_tᵀ
 *     dL/dWh  += a_t h_{t−1}ᵀ
 *     δ_{t−1}  = Whᵀ a_t                     back to the previous state
 *
 * Truncated BPTT with k stops after k steps back (t = T..T−k+1), as if h_{T−k} were a constant.
 */
import { add, matmul, mul, reshape, square, sub, sum, tanh } from '../ops/index.js';
import { type Tensor, randn, scalar, zeros } from '../tensor/index.js';
import { defineRecurrent } from './define.js';
import type { LossAndGrad, ManualGradOptions, Params, SequenceBatch } from './model.js';

/** Sizes of a recurrent model: input, hidden state, output, and the number of time steps. */
export interface ElmanConfig {
  /** D: the size of each input c_t. */
  input: number;
  /** H: the size of the state h_t. */
  hidden: number;
  /** O: the size of the output o. */
  output: number;
  /** T: the sequence length. */
  steps: number;
}

const half = scalar(0.5);

/** ½‖y − o‖² for a column o [O, 1] and a target y [O]. */
export function squareLoss(o: Tensor, y: Tensor): Tensor {
  return mul(half, sum(square(sub(reshape(y, [y.size, 1]), o))));
}

export const elman = defineRecurrent<ElmanConfig>({
  name: 'elman',
  defaults: { input: 2, hidden: 3, output: 2, steps: 4 },
  paramShapes: ({ input, hidden, output }) => ({ We: [hidden, input], Wh: [hidden, hidden], Wo: [output, hidden] }),
  sharedNames: ['We', 'Wh'],
  sampleBatch: (seed, { input, output, steps }) => ({ xs: randn([steps, input], seed), y: randn([output], seed + 1, 0.5) }),
  initialState: ({ Wh }) => [zeros([Wh!.shape[0]!, 1])],
  step: ({ We, Wh }, c, [h]) => [tanh(add(matmul(We!, c), matmul(Wh!, h!)))],
  readout: ({ Wo }, [h], y) => squareLoss(matmul(Wo!, h!), y),
  manualGrad: (params, batch, _config, options) => elmanBptt(params, batch, options),
  stateJacobianBound: (params, xs) => elmanJacobianBound(params, xs, frobenius(params.Wh!)),
});

/**
 * Pascanu, Mikolov & Bengio (2013): ∂h_T/∂h_k = ∏_{j=T..k+1} diag(1 − h_j²) Wh, so in any
 * submultiplicative norm ‖∂h_T/∂h_k‖ ≤ ∏_{j=k+1..T} max_i(1 − h_{j,i}²) · ‖Wh‖^(T−k), for
 * k = 0..T, given ‖Wh‖ in that norm. With ‖Wh‖ < 1 the gradient reaching step k decays
 * geometrically in T − k.
 */
export function elmanJacobianBound(params: Params, xs: Tensor, whNorm: number): number[] {
  const hs = elmanStates(params, xs);
  const T = hs.length - 1;
  const bound = new Array<number>(T + 1).fill(1);
  for (let k = T - 1; k >= 0; k--) bound[k] = bound[k + 1]! * Math.max(...hs[k + 1]!.map((h) => 1 - h * h)) * whNorm;
  return bound;
}

/** ‖W‖_F ≥ ‖W‖₂: a norm consistent with the vector 2-norm, exact to compute. */
function frobenius(w: Tensor): number {
  return Math.hypot(...w.data);
}

/** h_0..h_T as plain number arrays (the forward pass, cached for the backward). */
export function elmanStates({ We, Wh }: Params, xs: Tensor): Float64Array[] {
  const [H, D] = We!.shape as [number, number];
  const T = xs.shape[0]!;
  const hs = [new Float64Array(H)];
  for (let t = 1; t <= T; t++) {
    const prev = hs[t - 1]!;
    const h = new Float64Array(H);
    for (let i = 0; i < H; i++) {
      let a = 0;
      for (let j = 0; j < D; j++) a += We!.get(i, j) * xs.get(t - 1, j); // We c_t
      for (let j = 0; j < H; j++) a += Wh!.get(i, j) * prev[j]!; //       + Wh h_{t−1}
      h[i] = Math.tanh(a);
    }
    hs.push(h);
  }
  return hs;
}

/** BPTT written out: the notes' chain rule, stepping back through time and summing per-step parts. */
export function elmanBptt(params: Params, { xs, y }: SequenceBatch, { truncate }: ManualGradOptions = {}): LossAndGrad {
  const { We, Wh, Wo } = params;
  const [H, D] = We!.shape as [number, number];
  const O = Wo!.shape[0]!;
  const T = xs.shape[0]!;
  const hs = elmanStates(params, xs);
  const hT = hs[T]!;
  const dWe = zeros([H, D]);
  const dWh = zeros([H, H]);
  const dWo = zeros([O, H]);
  let delta = new Float64Array(H); // dL/dh_T = Woᵀ(o − y)
  let loss = 0;
  for (let r = 0; r < O; r++) {
    let o = 0;
    for (let i = 0; i < H; i++) o += Wo!.get(r, i) * hT[i]!;
    const err = o - y.data[r]!; // dL/do = −(y − o)
    loss += 0.5 * err * err;
    for (let i = 0; i < H; i++) {
      dWo.data[r * H + i] = err * hT[i]!;
      delta[i]! += Wo!.get(r, i) * err;
    }
  }
  const stop = truncate === undefined ? 0 : Math.max(0, T - truncate);
  for (let t = T; t > stop; t--) {
    const h = hs[t]!;
    const prev = hs[t - 1]!;
    const a = delta.map((d, i) => d * (1 - h[i]! * h[i]!)); // back through tanh
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < D; j++) dWe.data[i * D + j]! += a[i]! * xs.get(t - 1, j); // += a_t c_tᵀ
      for (let j = 0; j < H; j++) dWh.data[i * H + j]! += a[i]! * prev[j]!; //          += a_t h_{t−1}ᵀ
    }
    delta = new Float64Array(H); // δ_{t−1} = Whᵀ a_t
    for (let j = 0; j < H; j++) for (let i = 0; i < H; i++) delta[j]! += Wh!.get(i, j) * a[i]!;
  }
  return { loss, grads: { We: dWe, Wh: dWh, Wo: dWo } };
}
