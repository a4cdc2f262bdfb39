import type { Tensor } from '../tensor/index.js';
import type { Primitive } from './primitive.js';

/** Where op calls go while a function is being differentiated. */
export interface Trace {
  record(primitive: Primitive, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void;
}

let active: Trace | null = null;

/**
 * Every op reports its call here after computing its output (defineOp does it for you). Outside
 * grad/vjp/jvp nothing is listening and ops are plain functions.
 */
export function record<A>(primitive: Primitive<A>, inputs: readonly Tensor[], attrs: A, output: Tensor): void {
  active?.record(primitive as Primitive, inputs, attrs, output);
}

/** Runs `body` with `trace` listening to op calls. */
export function traced<T>(api: string, trace: Trace, body: () => T): T {
  if (active !== null) {
    // A second trace would see the first one's rule evaluations as ordinary op calls and the
    // engine accumulates with raw loops, so higher-order results would be silently wrong.
    throw new Error(
      `${api}: nested differentiation is not supported; ${api} was called inside a function that grad, valueAndGrad, vjp or jvp is already differentiating`,
    );
  }
  active = trace;
  try {
    return body();
  } finally {
    active = null;
  }
}

/** Runs `body` with no trace listening: rules are built from ops and must not be recorded. */
export function untraced<T>(body: () => T): T {
  if (active === null) return body(); // nothing is listening
  const saved = active;
  active = null;
  try {
    return body();
  } finally {
    active = saved;
  }
}
