import fc from 'fast-check';
import { valueAndGrad } from '../autodiff/index.js';
import { reshape, slice } from '../ops/index.js';
import { type Tensor, formatShape } from '../tensor/index.js';

/** Named parameters, as a model holds them. */
export type Params = Record<string, Tensor>;

/** One sequence: c_1..c_T as the rows of xs [T, D], and the target y. */
export interface Sequence {
  xs: Tensor;
  y: Tensor;
}

/**
 * What the BPTT laws need of a recurrent model: a step applied at every time step with the same
 * shared weights, and a readout (zoo's RecurrentModel has this shape; laws do not import the zoo).
 */
export interface Unrollable {
  name: string;
  /** The weights every step uses. */
  sharedNames: readonly string[];
  /** The state before the first step. */
  initialState(params: Params): Tensor[];
  /** The next state from the input c_t and the state before it. */
  step(params: Params, input: Tensor, state: readonly Tensor[]): Tensor[];
  /** The loss read from the last state against the target y. */
  readout(params: Params, state: readonly Tensor[], y: Tensor): Tensor;
  /** The loss and the gradient under test. */
  lossAndGrad(params: Params, batch: Sequence): { loss: number; grads: Params };
}

/** A generated case of a BPTT law: a model (of generated sizes), its parameters and a sequence. */
export interface RecurrentCase<M extends Unrollable = Unrollable> {
  model: M;
  params: Params;
  batch: Sequence;
}

function columns(xs: Tensor): Tensor[] {
  const [T, D] = xs.shape as [number, number];
  return Array.from({ length: T }, (_, t) => reshape(slice(xs, { axis: 0, start: t, end: t + 1 }), [D, 1]));
}

/**
 * The model unrolled with an untied copy of every shared weight per time step — copy t is used by
 * step t only (t = 1..T) — differentiated by the engine at copies all equal to the tied weights.
 * Returns the loss, each copy's gradient (perStep[t − 1][name]) and the unshared weights' gradients.
 */
export function untiedGradients(model: Unrollable, params: Params, { xs, y }: Sequence): { loss: number; perStep: Params[]; unshared: Params } {
  const shared = new Set(model.sharedNames);
  const unsharedNames = Object.keys(params).filter((name) => !shared.has(name));
  const cs = columns(xs);
  const T = cs.length;
  const copies = cs.flatMap(() => model.sharedNames.map((name) => params[name]!));
  const leaves = [...copies, ...unsharedNames.map((name) => params[name]!)];
  const k = model.sharedNames.length;
  const unrolled = (...values: Tensor[]): Tensor => {
    const unshared = Object.fromEntries(unsharedNames.map((name, i) => [name, values[T * k + i]!]));
    const stepParams = (t: number): Params => ({ ...unshared, ...Object.fromEntries(model.sharedNames.map((name, j) => [name, values[t * k + j]!])) });
    // Nothing before the first step may use a shared weight: give the initial state the tied ones.
    let state = model.initialState(params);
    cs.forEach((c, t) => (state = model.step(stepParams(t), c, state)));
    return model.readout({ ...params, ...unshared }, state, y);
  };
  const { value, grad } = valueAndGrad(unrolled, leaves.map((_, i) => i))(...leaves);
  return {
    loss: value.item(),
    perStep: cs.map((_, t) => Object.fromEntries(model.sharedNames.map((name, j) => [name, grad[t * k + j]!]))),
    unshared: Object.fromEntries(unsharedNames.map((name, i) => [name, grad[T * k + i]!])),
  };
}

/**
 * Truncated BPTT by the engine: the state after step T − k is computed outside the trace, so it is
 * a constant and the gradient flows back through the last k steps only. k ≥ T is full BPTT.
 */
export function truncatedLossAndGrad(model: Unrollable, params: Params, { xs, y }: Sequence, k: number): { loss: number; grads: Params } {
  const cs = columns(xs);
  const start = Math.max(0, cs.length - k);
  let constant = model.initialState(params);
  for (const c of cs.slice(0, start)) constant = model.step(params, c, constant);
  const names = Object.keys(params);
  const tail = (...values: Tensor[]): Tensor => {
    const p = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
    let state: Tensor[] = start === 0 ? model.initialState(p) : constant;
    for (const c of cs.slice(start)) state = model.step(p, c, state);
    return model.readout(p, state, y);
  };
  const { value, grad } = valueAndGrad(tail, names.map((_, i) => i))(...names.map((name) => params[name]!));
  return { loss: value.item(), grads: Object.fromEntries(names.map((name, i) => [name, grad[i]!])) };
}

/** Options of bpttSumsOverTimeSteps. */
export interface BpttOptions {
  /** The gradient under test; the model's own lossAndGrad by default. */
  lossAndGrad?: (params: Params, batch: Sequence) => { loss: number; grads: Params };
  /** Allowed error relative to the sum of the absolute per-step contributions (default 1e-9). */
  rtol?: number;
}

/**
 * Backpropagation through time sums over time steps: for every shared weight W,
 *
 *   dL/dW (tied) = Σ_t dL/dW_t,
 *
 * where W_t is an untied copy of W used at step t only. A gradient that keeps only the last step's
 * contribution, or drops the first, breaks it; so does one that leaves out the path through h_{t−1}.
 * Unshared weights (the readout) have the same gradient tied or untied.
 */
export function bpttSumsOverTimeSteps<M extends Unrollable>(cases: fc.Arbitrary<RecurrentCase<M>>, options: BpttOptions = {}) {
  const rtol = options.rtol ?? 1e-9;
  return fc.property(cases, ({ model, params, batch }) => {
    const tied = (options.lossAndGrad ?? ((p, b) => model.lossAndGrad(p, b)))(params, batch);
    const untied = untiedGradients(model, params, batch);
    const where = `${model.name}, T = ${batch.xs.shape[0]}, xs ${formatShape(batch.xs.shape)}`;
    if (Math.abs(tied.loss - untied.loss) > rtol * (1 + Math.abs(untied.loss))) {
      throw new Error(`bpttSumsOverTimeSteps (${where}): the unrolled model's loss ${untied.loss} is not the model's ${tied.loss}`);
    }
    const expected: [string, Tensor[]][] = [
      ...model.sharedNames.map((name): [string, Tensor[]] => [name, untied.perStep.map((g) => g[name]!)]),
      ...Object.entries(untied.unshared).map(([name, g]): [string, Tensor[]] => [name, [g]]),
    ];
    for (const [name, parts] of expected) {
      const got = tied.grads[name];
      if (got === undefined) throw new Error(`bpttSumsOverTimeSteps (${where}): no gradient for ${name}`);
      for (let i = 0; i < got.size; i++) {
        const sum = parts.reduce((total, g) => total + g.data[i]!, 0);
        const scale = parts.reduce((total, g) => total + Math.abs(g.data[i]!), 0);
        if (!(Math.abs(got.data[i]! - sum) <= rtol * scale + 1e-300)) {
          const terms = parts.map((g, t) => `t=${t + 1}: ${g.data[i]!.toPrecision(6)}`).join(', ');
          throw new Error(
            `bpttSumsOverTimeSteps (${where}): dL/d${name} at flat index ${i} is ${got.data[i]}, but the untied copies' gradients sum to ${sum} (${terms})`,
          );
        }
      }
    }
  });
}
