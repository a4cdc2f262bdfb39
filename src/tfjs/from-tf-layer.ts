import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '../autodiff/describe.js';
import type { Domain, Draw } from '../ops/index.js';
import { Tensor } from '../tensor/index.js';
import { type InputDtype, fromTf, scoped } from './convert.js';
import { type TfjsTarget, fromTfjs } from './from-tfjs.js';

/** A shape as tfjs-layers writes it: `null` for a side left open (the batch axis, time steps). */
export type LayerShape = readonly (number | null)[];

/** A tfjs-layers weight (LayerVariable): a tf.Variable behind a name. */
export interface LayerWeight {
  name: string;
  shape: LayerShape;
  /** The variable's current value. */
  read(): tf.Tensor;
}

/**
 * The part of a tfjs-layers `Layer` (or `LayersModel`, which is one) that is used: described here
 * rather than imported, so that gradprop/tfjs needs @tensorflow/tfjs-layers only when you use it.
 */
export interface TfLayer {
  name: string;
  built: boolean;
  trainableWeights: LayerWeight[];
  weights: LayerWeight[];
  batchInputShape?: LayerShape | null;
  /** A LayersModel's symbolic inputs. */
  inputs?: readonly { shape: LayerShape }[];
  /** The layer's output at its input(s), `kwargs` holding `training`. */
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
  /** The class's registered name, e.g. `Dense`. */
  getClassName(): string;
}

/** How fromTfLayer calls the layer, and where its inputs come from. */
export interface FromTfLayerOptions {
  /** For messages; default the layer's class and name, e.g. `Dense dense_Dense1`. */
  name?: string;
  /** Check the layer as `layer.apply(x, { training: true })` calls it (dropout, batch statistics); default inference. */
  training?: boolean;
  /**
   * The input's shape without the batch axis, as tfjs-layers' `inputShape` (a list of shapes for
   * a layer of several inputs): builds a layer that is not built yet, and gives the default domain.
   */
  inputShape?: LayerShape | readonly LayerShape[];
  /** Each layer input's dtype, by position (default float32); int32 inputs (an Embedding's ids) are not differentiated. */
  dtypes?: readonly InputDtype[];
  /** Where to draw inputs from; by default, when every input's shape is known and float32: inputs and weights uniform in [-3, 3], open sides from 1 to 3. */
  domain?: Domain<undefined>;
}

/** A tfjs-layers layer as a checker target: its inputs, then its trainable weights. */
export interface TfLayerTarget extends TfjsTarget {
  /** The names of the trainable weights, in the order they follow the layer's inputs. */
  weightNames: string[];
  /** The layer's current trainable weights, in that order: `checkGradients(target, [x, ...target.weights()])`. */
  weights(): Tensor[];
}

/**
 * A Differentiable from a tfjs-layers layer: its output as a function of its inputs and of each
 * trainable weight, which the check gives after the inputs — `[x, kernel, bias]` for a Dense layer.
 * For each call the layer reads the given weights in place of its own (no constraint is applied:
 * the function checked is the layer's at those weights), and whatever the call writes to the
 * layer's other weights (batch normalisation's moving statistics, in training) is undone after it.
 * A layer that is not built is built from `inputShape` (or the one it was made with), as its first
 * call would build it. Everything else is as fromTfjs: tfjs's backward, tensors disposed, kernels named.
 */
export function fromTfLayer(layer: TfLayer, options: FromTfLayerOptions = {}): TfLayerTarget {
  if (!isTfLayer(layer)) throw new TypeError(`fromTfLayer: expected a tfjs-layers Layer (or LayersModel), got ${describeValue(layer)}`);
  const name = options.name ?? `${layer.getClassName()} ${layer.name}`;
  const dtypes = options.dtypes ?? [];
  const shapes = inputShapes(layer, options.inputShape);
  if (!layer.built) build(name, layer, shapes, dtypes);
  const weights = layer.trainableWeights;
  const domain = options.domain ?? defaultDomain(shapes, dtypes, weights);
  return {
    ...fromTfjs(applyWith(name, layer, { training: options.training ?? false }), {
      name,
      // the weights follow the layer's inputs, and are float32
      ...(options.dtypes ? { dtypes: [...dtypes, ...weights.map((): InputDtype => 'float32')] } : {}),
      ...(domain ? { domain } : {}),
    }),
    weightNames: weights.map((w) => w.name),
    weights: () => scoped(() => weights.map((w) => fromTf(w.read()))),
  };
}

/**
 * The layer as a function of its input(s) and then its trainable weights: the weights are read in
 * place of the layer's own (their `read` answers the given tensor, so tfjs differentiates with
 * respect to it), and the layer's other weights are as they were after each call.
 */
function applyWith(name: string, layer: TfLayer, kwargs: { training: boolean }): (...tensors: tf.Tensor[]) => tf.Tensor {
  const weights = layer.trainableWeights;
  const state = layer.weights.filter((w) => !weights.includes(w));
  return (...tensors) => {
    const count = tensors.length - weights.length;
    if (count < 1) {
      throw new RangeError(`${name}: the check's inputs are the layer's input(s) and then its ${weights.length} trainable weights (${weights.map((w) => w.name).join(', ')}), but ${tensors.length} were given`);
    }
    const saved = state.map((w) => tf.clone(w.read()));
    weights.forEach((w, i) => (w.read = () => tensors[count + i]!));
    try {
      const inputs = tensors.slice(0, count);
      return layer.apply(count === 1 ? inputs[0]! : inputs, kwargs) as tf.Tensor;
    } finally {
      weights.forEach((w) => delete (w as Partial<LayerWeight>).read);
      state.forEach((w, i) => (w.read() as tf.Variable).assign(saved[i]!));
    }
  };
}

function isTfLayer(value: unknown): value is TfLayer {
  const v = value as Partial<TfLayer> | null;
  return typeof v === 'object' && v !== null && typeof v.apply === 'function' && Array.isArray(v.trainableWeights) && typeof v.getClassName === 'function';
}

/** The layer's input shapes, batch axis first: from the option, the shape the layer was made with, or a model's inputs. */
function inputShapes(layer: TfLayer, given: FromTfLayerOptions['inputShape']): LayerShape[] | undefined {
  if (given === undefined) return layer.batchInputShape ? [layer.batchInputShape] : layer.inputs?.map((input) => input.shape);
  const list = (given.length > 0 && given.every(Array.isArray) ? given : [given]) as LayerShape[];
  return list.map((shape) => [null, ...shape]);
}

/** Build the layer as its first call would: called once on zeros (open sides 1). */
function build(name: string, layer: TfLayer, shapes: LayerShape[] | undefined, dtypes: readonly InputDtype[]): void {
  if (!shapes) {
    throw new TypeError(`fromTfLayer(${name}): the layer is not built and its input shape is unknown — pass { inputShape } (without the batch axis, e.g. [3]), make the layer with one, or call it once`);
  }
  tf.tidy(() => {
    const zeros = shapes.map((shape, k) => tf.zeros(shape.map((side) => side ?? 1), dtypes[k] ?? 'float32'));
    layer.apply(zeros.length === 1 ? zeros[0]! : zeros);
  });
}

/**
 * Inputs and weights uniform in [-3, 3] (float32 values: what tfjs computes with), open sides from
 * 1 to 3, one size per axis shared by all inputs (a batch, a number of time steps); none for a
 * layer whose input shape is unknown or that takes ids.
 */
function defaultDomain(shapes: LayerShape[] | undefined, dtypes: readonly InputDtype[], weights: readonly LayerWeight[]): Domain<undefined> | undefined {
  if (!shapes || dtypes.some((d) => d !== 'float32')) return undefined;
  const float32 = (t: Tensor) => new Tensor(t.data.map(Math.fround), t.shape);
  return {
    sample: (draw: Draw) => {
      const open = new Map<number, number>();
      const sideAt = (axis: number) => open.get(axis) ?? open.set(axis, draw.int(1, 3)).get(axis)!;
      const inputs = shapes.map((shape) => draw.tensor(shape.map((side, axis) => side ?? sideAt(axis))));
      return { inputs: [...inputs, ...weights.map((w) => draw.tensor(w.shape as number[]))].map(float32), attrs: undefined };
    },
  };
}
