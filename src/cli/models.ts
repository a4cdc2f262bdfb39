/**
 * A zoo-style model as checker targets. The laws check one Differentiable at generated inputs,
 * but a model's target depends on its batch (asDifferentiable(batch)); so the batch's tensors
 * become inputs too, marked nondifferentiable: the checker, the SGD step and the probes leave them
 * alone, and a counterexample prints the parameters and the batch exactly.
 */
import fc from 'fast-check';
import type { Differentiable } from '../check/index.js';
import type { RecurrentCase, Sequence } from '../laws/bptt.js';
import { Tensor, isTensor, zeros } from '../tensor/index.js';
import type { Params } from '../zoo/index.js';
import type { ModelLike, RecurrentLike } from './shapes.js';

/** How a model's batch is laid out after its parameters: the batch's keys, each a tensor. */
export interface ModelLayout {
  model: ModelLike;
  batchKeys: string[];
}

/** The layout of a model, or why it cannot be checked (a sentence). */
export function layoutOf(model: ModelLike): ModelLayout | string {
  let batch: unknown;
  try {
    batch = model.sampleBatch(0);
  } catch (error) {
    return `its sampleBatch(0) threw (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`;
  }
  const entries = typeof batch === 'object' && batch !== null ? Object.entries(batch) : [];
  const bad = entries.find(([, value]) => !isTensor(value));
  if (entries.length === 0 || bad) {
    return `its batches must be records of tensors, but sampleBatch(0) gave ${bad ? `a batch whose '${bad[0]}' is not a tensor` : 'no record'}`;
  }
  return { model, batchKeys: entries.map(([key]) => key) };
}

/**
 * Inputs from the model's own seeded init and sampleBatch: the parameter and batch distributions
 * it is meant to be trained from. A seed has no size to shrink, so cases are not shrunk.
 */
export function modelInputs({ model, batchKeys }: ModelLayout): fc.Arbitrary<Tensor[]> {
  return fc.noShrink(fc.tuple(fc.nat(), fc.nat())).map(([paramSeed, batchSeed]) => {
    const params = model.init(paramSeed);
    const batch = model.sampleBatch(batchSeed) as Record<string, Tensor>;
    return [...model.paramNames.map((name) => params[name]!), ...batchKeys.map((key) => batch[key]!)];
  });
}

/** The loss as a function of [...parameters, ...batch tensors], differentiated by the engine or by the model's manualGrad. */
export function modelTarget({ model, batchKeys }: ModelLayout, backward: 'engine' | 'manualGrad'): Differentiable {
  const k = model.paramNames.length;
  const batchOf = (inputs: readonly Tensor[]) => Object.fromEntries(batchKeys.map((key, i) => [key, inputs[k + i]!]));
  const paramsOf = (inputs: readonly Tensor[]) => inputs.slice(0, k);
  const engine = (inputs: readonly Tensor[]) => model.asDifferentiable(batchOf(inputs));
  const batchZeros = (inputs: readonly Tensor[]) => inputs.slice(k).map((x) => zeros(x.shape));
  const target: Differentiable = {
    name: backward === 'engine' ? model.name : `${model.name} (manualGrad)`,
    forward: (inputs) => engine(inputs).forward(paramsOf(inputs)),
    vjp: (inputs, cotangent) => {
      if (backward === 'engine') return [...engine(inputs).vjp(paramsOf(inputs), cotangent), ...batchZeros(inputs)];
      const { grads } = model.manualGrad!(byName(model.paramNames, inputs), batchOf(inputs));
      const scale = cotangent.item();
      return [...model.paramNames.map((name) => scaled(grads, name, scale)), ...batchZeros(inputs)];
    },
    nondifferentiable: batchKeys.map((_, i) => k + i),
  };
  if (backward === 'engine' && typeof model.asDifferentiable(model.sampleBatch(0)).jvp === 'function') {
    target.jvp = (inputs, tangents) => engine(inputs).jvp!(paramsOf(inputs), tangents.slice(0, k));
  }
  if (backward === 'engine' && typeof model.asDifferentiable(model.sampleBatch(0)).vjpTarget === 'function') {
    target.vjpTarget = () => withBatch(target.name, engine, k, batchKeys.length);
  }
  return target;
}

/**
 * The second order of a model's target over [...parameters, ...batch, cotangent], from its engine
 * target's over [...parameters, cotangent]: the same gradients, the batch left out and given zeros.
 */
function withBatch(name: string, engine: (inputs: readonly Tensor[]) => Differentiable, k: number, batchSize: number): Differentiable {
  const inner = (xs: readonly Tensor[]) => engine(xs).vjpTarget!();
  const innerInputs = (xs: readonly Tensor[]) => [...xs.slice(0, k), xs[xs.length - 1]!];
  const batchZeros = (xs: readonly Tensor[]) => xs.slice(k, k + batchSize).map((x) => zeros(x.shape));
  return {
    name: `vjp of ${name}`,
    forward: (xs) => inner(xs).forward(innerInputs(xs)),
    vjp: (xs, w) => {
      const grads = inner(xs).vjp(innerInputs(xs), w);
      return [...grads.slice(0, k), ...batchZeros(xs), grads[k]!];
    },
    jvp: (xs, tangents) => inner(xs).jvp!(innerInputs(xs), innerInputs(tangents)),
    nondifferentiable: Array.from({ length: batchSize }, (_, i) => k + i),
  };
}

/** Cases of the BPTT law from the model's seeded init and sampleBatch, printed as tensors. */
export function recurrentCases(model: RecurrentLike): fc.Arbitrary<RecurrentCase<RecurrentLike>> {
  return fc.noShrink(fc.tuple(fc.nat(), fc.nat())).map(([paramSeed, batchSeed]) => {
    const params = model.init(paramSeed);
    const batch = model.sampleBatch(batchSeed) as Sequence;
    const code = () => `params { ${Object.entries(params).map(([name, t]) => `${name}: ${t}`).join(', ')} }, batch { xs: ${batch.xs}, y: ${batch.y} }`;
    return Object.defineProperty({ model, params, batch }, fc.toStringMethod, { value: code, enumerable: false });
  });
}

function byName(names: readonly string[], values: readonly Tensor[]): Params {
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

function scaled(grads: Params, name: string, scale: number): Tensor {
  const g = grads[name];
  if (!isTensor(g)) throw new TypeError(`manualGrad gave no gradient tensor for parameter ${name}`);
  return new Tensor(g.data.map((v) => v * scale), g.shape);
}
