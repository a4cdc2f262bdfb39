import type { Tensor } from '../tensor/index.js';
import type { Primitive } from './primitive.js';

/** Where op calls go while a function is being differentiated. */
export interface Trace {
  record(primitive: Primitive, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void;
  /** Whether the value is one this trace differentiates with respect to (a leaf or a value made from one). */
  tracks(value: Tensor): boolean;
}

/**
 * The traces listening, innermost first. grad(grad(f)) runs the inner grad inside the outer one:
 * the outer trace sees the inner one's forward pass and its backward pass as ordinary op calls, and
 * differentiates both.
 */
interface Frame {
  trace: Trace;
  outer: Frame | null;
}

/**
 * The one stack of listening traces in the process, kept on globalThis: every copy of gradprop a
 * process loads (its ES and CommonJS builds met through jest's ES-module mode, two installs in one
 * tree, src/ beside dist/ in a test run) pushes its frames there and records its ops there. With a
 * stack per copy, an op of one copy called inside another copy's grad would record nowhere: its
 * gradient read silently as zero, its rule taken as computed outside ops at second order. The name
 * carries the protocol's version: change it when Frame, Trace or Primitive change shape, so that
 * copies that could not read each other's frames keep apart.
 */
const STACK: unique symbol = Symbol.for('gradprop.traces.v1');
const stack: { active: Frame | null } = ((globalThis as { [STACK]?: typeof stack })[STACK] ??= { active: null });

/**
 * Every op reports its call here after computing its output (defineOp does it for you). Outside
 * grad/vjp/jvp nothing is listening and ops are plain functions.
 */
export function record<A>(primitive: Primitive<A>, inputs: readonly Tensor[], attrs: A, output: Tensor): void {
  const innermost = stack.active;
  if (innermost === null) return;
  try {
    if (innermost.outer === null) {
      // first order, the common case: one trace, with nothing outside it
      stack.active = null;
      innermost.trace.record(primitive as Primitive, inputs, attrs, output);
    } else {
      notify(innermost, primitive as Primitive, inputs, attrs, output);
    }
  } finally {
    stack.active = innermost;
  }
}

/**
 * Outermost trace first, each with only the traces outside it listening. An outer trace must know
 * the call's output before an inner one runs a rule that reads it (a jvp rule uses the output), and
 * the ops a rule calls belong to the traces outside the one that runs it, never to that one itself.
 */
function notify(frame: Frame, primitive: Primitive, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void {
  if (frame.outer !== null) notify(frame.outer, primitive, inputs, attrs, output);
  stack.active = frame.outer;
  frame.trace.record(primitive, inputs, attrs, output);
}

/** Runs `body` with `trace` listening to op calls, inside whatever traces already listen. */
export function traced<T>(trace: Trace, body: () => T): T {
  const outer = stack.active;
  stack.active = { trace, outer };
  try {
    return body();
  } finally {
    stack.active = outer;
  }
}

/** Runs `body` with no trace listening: an op's forward is one step to the engine, whatever it calls. */
export function untraced<T>(body: () => T): T {
  const saved = stack.active;
  if (saved === null) return body(); // nothing is listening
  stack.active = null;
  try {
    return body();
  } finally {
    stack.active = saved;
  }
}

/**
 * Whether any trace listens. Rules that have a fused first-order form use it when nothing does: no
 * one will differentiate the rule itself, so it need not be built from ops.
 */
export function listening(): boolean {
  return stack.active !== null;
}

/** Whether a listening trace differentiates with respect to any of these values. */
export function watched(values: readonly Tensor[]): boolean {
  for (let frame = stack.active; frame !== null; frame = frame.outer) {
    const { trace } = frame;
    if (values.some((value) => trace.tracks(value))) return true;
  }
  return false;
}

/**
 * Whether a listening trace differentiates `source` but not `result`, a nonzero value a rule made
 * from it: the rule read source's numbers outside ops, and the trace would take result for a
 * constant. A vjp is linear in its cotangent (a jvp in its tangents), so a rule built from ops never
 * loses track of them.
 */
export function detached(source: Tensor, result: Tensor): boolean {
  for (let frame = stack.active; frame !== null; frame = frame.outer) {
    const { trace } = frame;
    if (trace.tracks(source) && !trace.tracks(result) && result.data.some((v) => v !== 0)) return true;
  }
  return false;
}
