import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '../autodiff/describe.js';
import type { Differentiable } from '../check/index.js';
import type { Domain } from '../ops/index.js';
import { Tensor, zeros } from '../tensor/index.js';
import { tfjsGradients } from './backward.js';
import { INPUT_DTYPES, type InputDtype, fromTf, scoped, toTf } from './convert.js';

/** A function of tfjs tensors (and, after them, any attributes) that returns one tfjs tensor. */
export type TfjsFunction = (...args: any[]) => tf.Tensor;

/** How fromTfjs calls the function and reads its inputs and output. */
export interface FromTfjsOptions {
  /** For messages; default the function's name. */
  name?: string;
  /**
   * Each input's dtype, by position (default float32). int32 and bool inputs (ids, indices,
   * masks) are passed to tfjs as such and never differentiated: their gradients are neither asked
   * of tfjs nor required of it.
   */
  dtypes?: readonly InputDtype[];
  /** float32 inputs that are constants (labels, weights held fixed): not differentiated either. */
  nondifferentiable?: readonly number[];
  /** Passed to `f` after the tensors: `fromTfjs(tf.sum, { attrs: [1, true] })` checks x ↦ tf.sum(x, 1, true). */
  attrs?: readonly unknown[];
  /**
   * An int32 or bool output (tf.argMax, tf.greaterEqual) is refused by default, with a message;
   * `true` casts it to float32 inside the function, so that tfjs's gradient of it is checked.
   */
  castOutput?: boolean;
  /** Where to draw inputs from, so that the vitest matcher and `gradprop check` can check the target on their own. */
  domain?: Domain<undefined>;
}

/** A checker target made from TensorFlow.js code; it has a domain when one was given. */
export interface TfjsTarget extends Differentiable {
  domain?: Domain<undefined>;
}

/**
 * A Differentiable from a function of TensorFlow.js tensors: forward is `f` at the inputs, as
 * float32 tensors on the active backend; vjp is tfjs's own backward pass (`tf.grads`, or the
 * gradient a `tf.customGrad` function defines) with respect to the float inputs. Every tensor a
 * call makes is disposed before it returns. A failure of tfjs's backward pass names the kernel.
 *
 *   checkGradients(fromTfjs((x, w) => tf.tanh(tf.matMul(x, w))), [x, w]);
 *   checkGradients(fromTfjs(tf.gather, { dtypes: ['float32', 'int32'], attrs: [0] }), [table, ids]);
 */
export function fromTfjs(f: TfjsFunction, options: FromTfjsOptions = {}): TfjsTarget {
  if (typeof f !== 'function') throw new TypeError(`fromTfjs: expected a function of tfjs tensors, got ${describeValue(f)}`);
  const name = options.name ?? nameOf(f);
  const dtypes = validDtypes(name, options.dtypes);
  const attrs = validAttrs(name, options.attrs);
  const constants = new Set([...validPositions(name, options.nondifferentiable), ...dtypes.flatMap((d, k) => (d === 'float32' ? [] : [k]))]);
  const dtypeOf = (k: number) => dtypes[k] ?? 'float32';
  const call = (inputs: readonly tf.Tensor[]) => outputOf(name, f(...inputs, ...attrs), options.castOutput ?? false);
  const converted = (xs: readonly Tensor[]) => {
    if (options.dtypes && xs.length !== dtypes.length) {
      throw new RangeError(`${name}: ${dtypes.length} input dtypes were declared (${dtypes.join(', ')}), but ${xs.length} inputs were given`);
    }
    return xs.map((x, k) => toTf(x, dtypeOf(k), `${name}: input ${k}`));
  };
  return {
    name,
    forward: (xs) => scoped(() => fromTf(call(converted(xs)))),
    vjp: (xs, cotangent) =>
      scoped(() => {
        const inputs = converted(xs);
        const variables = inputs.filter((_, k) => !constants.has(k));
        const grads = tfjsGradients(() => call(inputs), variables, toTf(cotangent, 'float32', `${name}: the cotangent`));
        let next = 0;
        return xs.map((x, k) => (constants.has(k) ? zeros(x.shape) : fromTf(grads[next++]!)));
      }),
    ...(constants.size > 0 ? { nondifferentiable: [...constants].sort((a, b) => a - b) } : {}),
    ...(options.domain ? { domain: options.domain } : {}),
  };
}

/** tfjs's ops are named `tanh__op` and the like; a user's function by its own name. */
function nameOf(f: TfjsFunction): string {
  return f.name.replace(/__op$/, '').replace(/_$/, '') || 'tfjs function';
}

function outputOf(name: string, y: unknown, cast: boolean): tf.Tensor {
  if (!(y instanceof tf.Tensor)) {
    const got = Array.isArray(y)
      ? `an array of ${y.length} values (tf.split, tf.unstack and tf.topk return several): return one tensor — pick one, or tf.stack or tf.concat them`
      : typeof (y as { then?: unknown } | null)?.then === 'function'
        ? 'a Promise: checks run synchronously, so f must compute its tensor without awaiting'
        : describeValue(y);
    throw new TypeError(`${name} must return one tf.Tensor, but returned ${got}`);
  }
  if (y.dtype === 'float32') return y;
  if (cast && (y.dtype === 'int32' || y.dtype === 'bool')) return tf.cast(y, 'float32');
  const fix = y.dtype === 'int32' || y.dtype === 'bool' ? ' — pass { castOutput: true } to check it as float32 (its derivative is then 0 away from the jumps)' : '';
  throw new TypeError(`${name} returned ${y.dtype === 'int32' ? 'an' : 'a'} ${y.dtype} tensor; gradients are checked on float32 outputs${fix}`);
}

function validDtypes(name: string, dtypes: unknown): readonly InputDtype[] {
  if (dtypes === undefined) return [];
  const bad = Array.isArray(dtypes) ? dtypes.findIndex((d) => !INPUT_DTYPES.includes(d)) : -1;
  if (!Array.isArray(dtypes) || bad >= 0) {
    const got = Array.isArray(dtypes) ? `${describeValue(dtypes[bad])} at position ${bad}` : describeValue(dtypes);
    throw new TypeError(`fromTfjs(${name}): dtypes must list one of ${INPUT_DTYPES.join(', ')} per input, got ${got}`);
  }
  return dtypes;
}

function validAttrs(name: string, attrs: unknown): readonly unknown[] {
  if (attrs === undefined) return [];
  if (!Array.isArray(attrs)) throw new TypeError(`fromTfjs(${name}): attrs must be the list of arguments passed after the tensors, e.g. [1, true] for tf.sum(x, 1, true); got ${describeValue(attrs)}`);
  return attrs;
}

function validPositions(name: string, positions: unknown): readonly number[] {
  if (positions === undefined) return [];
  if (!Array.isArray(positions) || !positions.every((k) => Number.isInteger(k) && k >= 0)) {
    throw new TypeError(`fromTfjs(${name}): nondifferentiable must list input positions (whole numbers from 0), got ${describeValue(positions)}`);
  }
  return positions;
}
