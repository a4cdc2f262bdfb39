import * as tf from '@tensorflow/tfjs-core';
import { Tensor, formatShape } from '../tensor/index.js';

/** The dtype an input is given to TensorFlow.js as; int32 and bool inputs are never differentiated. */
export type InputDtype = 'float32' | 'int32' | 'bool';

export const INPUT_DTYPES: readonly InputDtype[] = ['float32', 'int32', 'bool'];

/**
 * A gradprop tensor as a tfjs tensor of `dtype` on the active backend. Values that dtype cannot
 * hold are refused, not rounded: an id of 2.5 is a bug in the inputs, not a number to truncate.
 * float32 rounds, as tfjs would (its arithmetic is float32; the checker reads that off the output).
 */
export function toTf(t: Tensor, dtype: InputDtype, what: string): tf.Tensor {
  if (dtype === 'float32') return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
  const bad = t.data.findIndex((v) => (dtype === 'bool' ? v !== 0 && v !== 1 : !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1));
  if (bad >= 0) {
    const expected = dtype === 'bool' ? '0 or 1' : 'a whole number within int32';
    throw new TypeError(`${what} is declared ${dtype}, so every value must be ${expected}, but it holds ${t.data[bad]} at flat index ${bad} (shape ${formatShape(t.shape)})`);
  }
  return tf.tensor(dtype === 'bool' ? Uint8Array.from(t.data) : Int32Array.from(t.data), [...t.shape], dtype);
}

/** A tfjs tensor's values as a gradprop tensor (float64 copies of the float32 values). */
export function fromTf(t: tf.Tensor): Tensor {
  return new Tensor(Float64Array.from(t.dataSync() as ArrayLike<number>), t.shape);
}

/**
 * Runs tfjs code in a scope that disposes every tensor it made, after `read` has copied out what
 * it needs: nothing of a check stays in tfjs's memory, whether the code returns or throws.
 */
export function scoped<T>(run: () => T): T {
  let result: T | undefined;
  tf.tidy(() => {
    result = run();
  });
  return result as T;
}
