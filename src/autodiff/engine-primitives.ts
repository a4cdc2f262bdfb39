import { Tensor } from '../tensor/index.js';
import type { Primitive } from './primitive.js';
import { record } from './trace.js';

/**
 * The two primitives the engine calls itself, recorded like any op so that a trace outside the
 * one differentiating sees them: the fresh tensor standing for an input, and the sum of two
 * contributions to a gradient. Both rules are built from these two, so they differentiate forever.
 */

const identity: Primitive = {
  name: 'identity',
  vjp: (_inputs, _output, g) => [g],
  jvp: (_inputs, _output, [t]) => t!,
};

/**
 * A fresh Tensor object sharing x's data: the engine keys values by identity, and the same tensor
 * passed twice must still be two inputs. An outer trace sees it as x itself.
 */
export function leafOf(x: Tensor): Tensor {
  const leaf = new Tensor(x.data, x.shape);
  record(identity, [x], undefined, leaf);
  return leaf;
}

const plus: Primitive = {
  name: 'plus',
  vjp: (_inputs, _output, g) => [g, g],
  jvp: (_inputs, _output, [ta, tb]) => sumOf(ta!, tb!),
};

/** a + b, of one shape, into a new tensor: the sum of two contributions to one gradient. */
export function sumOf(a: Tensor, b: Tensor): Tensor {
  const out = new Tensor(Float64Array.from(a.data, (v, i) => v + b.data[i]!), a.shape);
  record(plus, [a, b], undefined, out);
  return out;
}
