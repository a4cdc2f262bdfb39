import { type Tensor, isTensor, zeros } from '../tensor/index.js';
import type { Differentiable } from './differentiable.js';

/**
 * A layer as people write it by hand (cs231n, ConvNetJS, most tutorials): `forward` keeps what
 * the backward pass needs, and `backward` takes the gradient of the output and returns the
 * gradients of the inputs — one tensor, or one per input (x, W, b → [dx, dW, db]).
 */
export interface Layer {
  /** The output; keeps whatever backward needs. */
  forward(...inputs: Tensor[]): Tensor;
  /** The gradient of each input (one tensor for a single input), given the output's gradient, for the last forward. */
  backward(gradOutput: Tensor): Tensor | readonly Tensor[];
  name?: string;
}

/** How fromLayer reads a layer: its name, inputs without gradients, and weights it holds itself. */
export interface LayerOptions {
  /** For messages; default the layer's own name, or its class's. */
  name?: string;
  /** Input positions that are not differentiated (ids, targets): backward need not return them. */
  nondifferentiable?: readonly number[];
  /**
   * Weights the layer holds itself, each field with the field its backward writes the gradient
   * to — `{ W: 'dW', b: 'db' }`. They are checked as inputs after forward's own: the check is
   * given `[x, W, b]`. For each call the weights are set and their gradients zeroed (a backward
   * may accumulate into them, as with PyTorch's zero_grad), and both are restored after it. A
   * weight field the layer does not hold a tensor in is refused (TypeError); a gradient field it
   * does not have yet, backward must write.
   */
  params?: Readonly<Record<string, string>>;
}

/** Something with forward and backward methods and no vjp: a Layer, not a Differentiable. */
export function isLayer(value: unknown): value is Layer {
  const v = value as Partial<Layer> & { vjp?: unknown };
  return value != null && typeof v.forward === 'function' && typeof v.backward === 'function' && v.vjp === undefined;
}

/**
 * The checker's view of a layer. Every vjp runs forward at its inputs first, as a training step
 * does: a backward that reads or clears the cache of the last forward is asked right after one.
 */
export function fromLayer(layer: Layer, options: LayerOptions = {}): Differentiable {
  const name = options.name ?? nameOf(layer);
  const params = Object.entries(options.params ?? {});
  const held = layer as unknown as Record<string, unknown>;
  const missing = params.filter(([field]) => !isTensor(held[field])).map(([field]) => field);
  if (missing.length > 0) {
    const tensors = Object.keys(held).filter((key) => isTensor(held[key]));
    throw new TypeError(
      `fromLayer(${name}): params names ${missing.join(', ')} as weights, but the layer holds no tensor there ` +
        `(it holds ${tensors.length > 0 ? `tensors in ${tensors.join(', ')}` : 'no tensor in any field'}) — a weight the layer does not use would be checked as an input nothing depends on`,
    );
  }
  // a gradient field the layer has is zeroed for each call (its backward may accumulate into it);
  // one it has not yet, backward must write
  const existing = new Set(params.map(([, gradient]) => gradient).filter((gradient) => gradient in held));
  /** Runs with the trailing inputs set as the layer's weights, and the layer as it was after. */
  const withParams = <T>(inputs: readonly Tensor[], run: (own: Tensor[]) => T): T => {
    if (inputs.length < params.length) {
      throw new RangeError(`the inputs end with the layer's weights (${params.map(([field]) => field).join(', ')}), but only ${inputs.length} were given`);
    }
    const own = inputs.slice(0, inputs.length - params.length);
    const fields = params.flat();
    const saved = fields.map((field) => [field in held, held[field]] as const);
    params.forEach(([field, gradient], i) => {
      held[field] = inputs[own.length + i];
      if (existing.has(gradient)) held[gradient] = zeros(inputs[own.length + i]!.shape);
      else delete held[gradient];
    });
    try {
      return run(own);
    } finally {
      fields.forEach((field, i) => {
        const [had, value] = saved[i]!;
        if (had) held[field] = value;
        else delete held[field];
      });
    }
  };
  const written = (field: string, gradient: string): Tensor => {
    if (!(gradient in held)) throw new RangeError(`backward did not write ${gradient}, the field params names for the gradient of ${field}`);
    return held[gradient] as Tensor;
  };
  return {
    name,
    forward: (inputs) => withParams(inputs, (own) => layer.forward(...own)),
    vjp: (inputs, cotangent) =>
      withParams(inputs, (own) => {
        layer.forward(...own);
        const grads = placed(layer.backward(cotangent), own.length, options.nondifferentiable ?? []);
        return [...grads, ...params.map(([field, gradient]) => written(field, gradient))];
      }),
    ...(options.nondifferentiable ? { nondifferentiable: options.nondifferentiable } : {}),
  };
}

/**
 * One gradient per input. A backward that returns only the differentiable inputs' gradients (dE
 * but nothing for the ids) has them placed at those positions; any other count is left for the
 * checker to name.
 */
function placed(grads: Tensor | readonly Tensor[], inputs: number, nondifferentiable: readonly number[]): Tensor[] {
  const given = Array.isArray(grads) ? [...(grads as readonly Tensor[])] : [grads as Tensor];
  const differentiable = Array.from({ length: inputs }, (_, k) => k).filter((k) => !nondifferentiable.includes(k));
  if (given.length !== differentiable.length) return given;
  const all: Tensor[] = new Array(inputs);
  differentiable.forEach((k, i) => (all[k] = given[i]!));
  return all;
}

function nameOf(layer: Layer): string {
  if (typeof layer.name === 'string' && layer.name !== '') return layer.name;
  const constructor = Object.getPrototypeOf(layer)?.constructor as { name?: string } | undefined;
  return constructor && constructor !== Object && constructor.name ? constructor.name : 'layer';
}
