import { type Shape, Tensor, formatShape, isTensor, shapesEqual } from '../tensor/index.js';
import type { Differentiable } from './differentiable.js';
import type { Problem } from './report.js';

/** A broken contract: ends the check with this problem and message. */
export class ContractError extends Error {
  constructor(
    readonly problem: Problem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The target behind a counting, validating front: every call is counted, anything thrown becomes a
 * ContractError naming the call, and every result is checked against the Differentiable contract
 * (a tensor, of the right shape, finite, inputs untouched).
 */
export class GuardedTarget {
  readonly evaluations = { forward: 0, vjp: 0, jvp: 0 };
  /** The inputs of the last forward call: a layer may keep activations from it for its backward. */
  private lastForward?: readonly Tensor[];

  constructor(readonly target: Differentiable) {}

  /** The target's name, or a stand-in so that no message starts with "undefined:". */
  get name(): string {
    return typeof this.target.name === 'string' && this.target.name !== '' ? this.target.name : '(unnamed target)';
  }

  forward(inputs: readonly Tensor[]): Tensor {
    this.evaluations.forward++;
    this.lastForward = inputs;
    const output = this.call('forward', () => this.target.forward(inputs), labelled(inputs));
    if (!isTensor(output)) {
      throw new ContractError('not-a-tensor', `${this.name}: forward must return a Tensor, got ${describe(output)}`);
    }
    return output;
  }

  /** Why the last perturbed forward gave nothing: for the message when no step works. */
  lastFailure = '';

  /** forward at a perturbed point, or null where the target is undefined there or gives other than `size` values. */
  tryForward(inputs: readonly Tensor[], size: number): Float64Array | null {
    this.evaluations.forward++;
    this.lastForward = inputs;
    let output: unknown;
    try {
      output = this.target.forward(inputs);
    } catch (error) {
      return this.failed(`forward threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    if (!isTensor(output)) return this.failed(`forward returned ${describe(output)}`);
    if (output.size !== size) return this.failed(`forward gave ${output.size} values where it gave ${size} at the input`);
    if (!output.data.every(Number.isFinite)) return this.failed('forward was not finite');
    return output.data;
  }

  private failed(why: string): null {
    this.lastFailure = why;
    return null;
  }

  vjp(inputs: readonly Tensor[], cotangent: Tensor, differentiable: readonly number[]): Tensor[] {
    this.forwardFirst(inputs);
    this.evaluations.vjp++;
    const grads = this.call('vjp', () => this.target.vjp(inputs, cotangent), [...labelled(inputs), ['the cotangent', cotangent]]);
    if (!Array.isArray(grads) || grads.length !== inputs.length) {
      const got = Array.isArray(grads) ? `${grads.length} gradients` : describe(grads);
      throw new ContractError('gradient-count', `${this.name}: vjp must return one gradient per input (${inputs.length}), got ${got}`);
    }
    for (const k of differentiable) {
      expectTensor(`${this.name}: vjp gradient for input ${k}`, grads[k], inputs[k]!.shape, 'non-finite-gradient');
    }
    return grads as Tensor[];
  }

  jvp(inputs: readonly Tensor[], tangents: readonly Tensor[], outputShape: Shape): Tensor {
    this.forwardFirst(inputs);
    this.evaluations.jvp++;
    const jvp = this.target.jvp!.bind(this.target);
    const result = this.call('jvp', () => jvp(inputs, tangents), [...labelled(inputs), ...labelled(tangents, 'tangent')]);
    expectTensor(`${this.name}: jvp`, result, outputShape, 'non-finite-gradient');
    return result as Tensor;
  }

  /**
   * Call the derivatives the way a training loop does, right after forward at the same inputs:
   * a layer that caches activations in forward and reads them in its backward is checked at the
   * point it was asked about, not at the last finite-difference step.
   */
  private forwardFirst(inputs: readonly Tensor[]): void {
    if (this.lastForward !== inputs) this.forward(inputs);
  }

  private call<T>(what: string, run: () => T, untouched: readonly (readonly [string, Tensor])[]): T {
    const before = untouched.map(([, t]) => t.data.slice());
    let result: T;
    try {
      result = run();
    } catch (error) {
      throw new ContractError('throws', `${this.name}: ${what} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    untouched.forEach(([label, t], k) => {
      const i = before[k]!.findIndex((v, j) => !Object.is(v, t.data[j]));
      if (i >= 0) {
        throw new ContractError('mutation', `${this.name}: ${what} mutated ${label} at flat index ${i} (${before[k]![i]} → ${t.data[i]})`);
      }
    });
    return result;
  }
}

function labelled(tensors: readonly Tensor[], role = 'input'): [string, Tensor][] {
  return tensors.map((t, k) => [`${role} ${k}`, t]);
}

function expectTensor(what: string, value: unknown, shape: Shape, nonFinite: Problem): void {
  if (!isTensor(value)) throw new ContractError('not-a-tensor', `${what} must be a Tensor, got ${describe(value)}`);
  if (!shapesEqual(value.shape, shape)) {
    throw new ContractError('gradient-shape', `${what} has shape ${formatShape(value.shape)}, expected ${formatShape(shape)}`);
  }
  const i = value.data.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new ContractError(nonFinite, `${what} is not finite: ${value.data[i]} at flat index ${i}`);
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (isTensor(value)) return `a tensor of shape ${formatShape(value.shape)}`;
  if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise (derivatives are checked synchronously: await nothing inside, read tfjs tensors with dataSync())';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : `${typeof value} ${String(value)}`;
}
