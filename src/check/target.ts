import { type Shape, Tensor, formatShape, isTensor, shapesEqual } from '../tensor/index.js';
import type { Differentiable } from './differentiable.js';
import type { Problem } from './report.js';
import { Spares } from './spares.js';

/** A broken contract: ends the check with this problem and message (`cause`: what the target threw, for 'throws'). */
export class ContractError extends Error {
  constructor(
    readonly problem: Problem,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Problems after which nothing the target returned could be compared — the check could not start,
 * forward is unusable at the input, or a derivative threw or returned no tensor — are 'error'; the
 * rest are the target's bugs, found in what it returned: 'fail'.
 */
export function verdictOf(problem: Problem): 'error' | 'fail' {
  return ERRORS.has(problem) ? 'error' : 'fail';
}

const ERRORS = new Set<Problem>(['throws', 'not-a-tensor', 'non-finite-output', 'bad-input', 'bad-target', 'bad-options', 'no-second-order']);

/**
 * The target behind a counting, validating front: every call is counted, anything thrown becomes a
 * ContractError naming the call, and every result is checked against the Differentiable contract
 * (a tensor, of the right shape, finite, inputs untouched, not a buffer an earlier call returned
 * and has overwritten since). Results the checker keeps are copied: it never holds the target's
 * buffers, and nothing the target returns is read twice (a Proxy may answer differently the second
 * time). A forward read at once and let go is lent, not copied (see tryForwardLent).
 */
export class GuardedTarget {
  readonly evaluations = { forward: 0, vjp: 0, jvp: 0 };
  readonly name: string;
  /**
   * The forward call (by count) each list of inputs was last given to: a layer may keep activations
   * from the last forward for its backward. Held weakly: a perturbed point the checker lets go of
   * (as large as the input) is not kept alive by it, and no derivative can be asked there after.
   */
  private readonly forwarded = new WeakMap<readonly Tensor[], number>();
  /**
   * What each buffer held when the target last returned it, by buffer: the copy handed out, or for
   * values lent (read in place, not kept), their fingerprint.
   */
  private readonly returned = new WeakMap<object, { offset: number; values: Float64Array } | { offset: number; length: number; fingerprint: Int32Array }>();

  /** Whether the target has a jvp, and which inputs it does not differentiate: see declare. */
  hasJvp = false;
  nondifferentiable: number[] = [];

  constructor(readonly target: Differentiable) {
    this.name = nameOf(target);
  }

  /**
   * Read what the target declares, once: forward and vjp are functions, jvp one if given, and
   * nondifferentiable lists positions among `inputs` inputs. Anything else is a bad target.
   */
  declare(inputs: number): void {
    const bad = (message: string) => new ContractError('bad-target', `${this.name}: ${message}`);
    const target = this.target as unknown;
    if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
      throw bad(`expected a Differentiable ({ name, forward, vjp }), got ${describe(target)}`);
    }
    const read = (key: keyof Differentiable): unknown => {
      try {
        return (target as Record<string, unknown>)[key];
      } catch (error) {
        throw bad(`reading the target's ${key} threw ${describeThrown(error)}`);
      }
    };
    for (const key of ['forward', 'vjp'] as const) {
      const value = read(key);
      if (typeof value !== 'function') throw bad(`${key} must be a function, got ${describe(value)}`);
    }
    const jvp = read('jvp');
    if (jvp !== undefined && typeof jvp !== 'function') throw bad(`jvp must be a function when given, got ${describe(jvp)}`);
    this.hasJvp = jvp !== undefined;
    const positions = `input positions, whole numbers from 0 to ${inputs - 1}`;
    const declared = read('nondifferentiable') ?? [];
    if (!Array.isArray(declared)) throw bad(`nondifferentiable must list ${positions}, got ${describe(declared)}`);
    let fixed: unknown[];
    try {
      fixed = [...(declared as unknown[])];
    } catch (error) {
      throw bad(`reading the target's nondifferentiable threw ${describeThrown(error)}`);
    }
    const wrong = fixed.find((k) => !Number.isInteger(k) || (k as number) < 0 || (k as number) >= inputs);
    if (wrong !== undefined) {
      // a position past the inputs: the target takes more inputs than it was given
      const what = Number.isInteger(wrong) && (wrong as number) >= 0 ? `input ${wrong as number}` : describe(wrong);
      const why = !Number.isInteger(wrong) ? 'a position is a whole number' : `${inputs} input${inputs === 1 ? ' was' : 's were'} given`;
      throw bad(`nondifferentiable lists ${what}, but ${why}: it must list ${positions}`);
    }
    this.nondifferentiable = [...new Set(fixed as number[])];
  }

  forward(inputs: readonly Tensor[]): Tensor {
    return this.checkedForward(inputs, false);
  }

  /** forward's result lent, to be read before the target runs again and not kept (see tryForwardLent). */
  forwardLent(inputs: readonly Tensor[]): Tensor {
    return this.checkedForward(inputs, true);
  }

  private checkedForward(inputs: readonly Tensor[], lent: boolean): Tensor {
    this.forwarded.set(inputs, ++this.evaluations.forward);
    const output = this.call('forward', () => this.target.forward(inputs), labelled(inputs));
    const tensor = this.received(`${this.name}: forward`, output, lent ? 'lent' : undefined);
    if (typeof tensor === 'string') throw new ContractError('not-a-tensor', `${this.name}: forward must return a Tensor, got ${tensor}`);
    return tensor;
  }

  /** Why the last perturbed forward gave nothing: for the message when no step works. */
  lastFailure = '';

  /** forward at a perturbed point, or null where the target is undefined there or gives other than `size` values. */
  tryForward(inputs: readonly Tensor[], size: number): Float64Array | null {
    return this.perturbedForward(inputs, size, false);
  }

  /**
   * tryForward's values lent, for a caller that reads them before the target runs again and keeps
   * none of them: the target's own buffer where it is a genuine Float64Array — a copy of 10⁶
   * entries costs the checker a tenth of a cheap elementwise target's call (the new memory's first
   * touch), on every step of every run.
   */
  tryForwardLent(inputs: readonly Tensor[], size: number): Float64Array | null {
    return this.perturbedForward(inputs, size, true);
  }

  private perturbedForward(inputs: readonly Tensor[], size: number, lent: boolean): Float64Array | null {
    this.forwarded.set(inputs, ++this.evaluations.forward);
    // a run of these needs no more than its moved inputs: the checking calls' snapshots would sit
    // idle through it (localisation's hundreds of forwards), each as large as an input
    this.spares.release();
    let output: unknown;
    try {
      output = this.target.forward(inputs);
    } catch (error) {
      if (error instanceof ContractError) throw error;
      return this.failed(`forward threw ${describeThrown(error)}`);
    } finally {
      // the moved inputs the space took from the spares (see InputSpace.shifted): read no more
      this.spares.give(inputs.map((x) => x.data));
    }
    const tensor = this.received(`${this.name}: forward`, output, lent ? 'lent' : undefined);
    if (typeof tensor === 'string') return this.failed(`forward returned ${tensor}`);
    if (tensor.size !== size) return this.failed(`forward gave ${tensor.size} values where it gave ${size} at the input`);
    if (firstNonFinite(tensor.data) >= 0) return this.failed('forward was not finite');
    return tensor.data;
  }

  private failed(why: string): null {
    this.lastFailure = why;
    return null;
  }

  vjp(inputs: readonly Tensor[], cotangent: Tensor, differentiable: readonly number[]): Tensor[] {
    this.forwardFirst(inputs);
    this.evaluations.vjp++;
    const grads = this.call('vjp', () => this.target.vjp(inputs, cotangent), [...labelled(inputs), ['the cotangent', cotangent]]);
    if (!Array.isArray(grads)) {
      const hint = isTensor(grads) && inputs.length === 1 ? ' (return [dx], not dx)' : '';
      throw new ContractError('not-a-tensor', `${this.name}: vjp must return a list of gradients, one per input (${inputs.length}), got ${describe(grads)}${hint}`);
    }
    if (grads.length !== inputs.length) {
      throw new ContractError('gradient-count', `${this.name}: vjp must return one gradient per input (${inputs.length}), got ${grads.length} gradients`);
    }
    // the copies laid end to end in one buffer, as an InputSpace lays the inputs: that buffer is the
    // gradients' vector over the space, with no copy more (see InputSpace.join); from the spares,
    // for a caller done with it to give back (see vjpLinearity)
    const joined = this.spares.take(differentiable.reduce((n, k) => n + inputs[k]!.size, 0));
    const copies: Tensor[] = [...grads];
    let offset = 0;
    for (const k of differentiable) {
      const part = joined.subarray(offset, (offset += inputs[k]!.size));
      copies[k] = this.expectTensor(`${this.name}: vjp gradient for input ${k}`, grads[k], inputs[k]!.shape, part);
    }
    return copies;
  }

  jvp(inputs: readonly Tensor[], tangents: readonly Tensor[], outputShape: Shape): Tensor {
    this.forwardFirst(inputs);
    this.evaluations.jvp++;
    const result = this.call('jvp', () => this.target.jvp!(inputs, tangents), [...labelled(inputs), ...labelled(tangents, 'tangent')]);
    return this.expectTensor(`${this.name}: jvp`, result, outputShape);
  }

  /**
   * Call the derivatives the way a training loop does, right after forward at the same inputs:
   * a layer that caches activations in forward and reads them in its backward is checked at the
   * point it was asked about, not at the last finite-difference step.
   */
  private forwardFirst(inputs: readonly Tensor[]): void {
    if (this.forwarded.get(inputs) !== this.evaluations.forward) this.forwardLent(inputs);
  }

  /**
   * Memory the checker has finished with (see Spares): the checking calls' snapshots and the
   * perturbed forwards' moved inputs (see InputSpace.shifted) take turns in it, so that neither a
   * run of checking calls nor localisation's hundreds of perturbed forwards touch fresh memory, and
   * neither holds the other's idle.
   */
  readonly spares = new Spares();

  private call<T>(what: string, run: () => T, untouched: readonly (readonly [string, Tensor])[]): T {
    const before = untouched.map(([, t]) => {
      const copy = this.spares.take(t.data.length);
      copy.set(t.data);
      return copy;
    });
    try {
      let result: T;
      try {
        result = run();
      } catch (error) {
        // a target that is itself a guarded view (a law's) has already named the problem
        if (error instanceof ContractError) throw error;
        const bug = what === 'forward' ? '' : ` — a ${what} that throws is a bug of the target: the check counts as failed (ok = false)`;
        throw new ContractError('throws', `${this.name}: ${what} threw ${describeThrown(error)}${bug}`, { cause: error });
      }
      for (let k = 0; k < untouched.length; k++) {
        const [label, t] = untouched[k]!;
        const i = firstChange(before[k]!, t.data);
        if (i >= 0) {
          throw new ContractError('mutation', `${this.name}: ${what} mutated ${label} at flat index ${i} (${numberText(before[k]![i]!)} → ${numberText(t.data[i]!)})`);
        }
      }
      return result;
    } finally {
      this.spares.give(before);
    }
  }

  /** A tensor of the shape, finite, copied (into `into`, where it fits); or a ContractError saying what it is instead. */
  private expectTensor(what: string, value: unknown, shape: Shape, into?: Float64Array): Tensor {
    const tensor = this.received(what, value, into);
    if (typeof tensor === 'string') throw new ContractError('not-a-tensor', `${what} must be a Tensor, got ${tensor}`);
    if (!shapesEqual(tensor.shape, shape)) {
      throw new ContractError('gradient-shape', `${what} has shape ${formatShape(tensor.shape)}, expected ${formatShape(shape)}`);
    }
    const i = firstNonFinite(tensor.data);
    if (i >= 0) throw new ContractError('non-finite-gradient', `${what} is not finite: ${tensor.data[i]} at flat index ${i}`);
    return tensor;
  }

  /**
   * A copy of what the target returned, if it is a tensor; otherwise a description of what it is.
   * Reading it may throw (a Proxy): that is what it is. A buffer the target returned before and has
   * overwritten since is a broken contract — every result a caller kept changed with it. The copy
   * handed out is also what the buffer is compared with later: the checker never writes into what
   * it receives, so one copy per call serves both. A genuine Float64Array is copied into `into`
   * where it fits, and `lent` is handed out as it is, its fingerprint kept to compare with (a
   * Proxy's values are copied all the same: read once).
   */
  private received(what: string, value: unknown, into?: Float64Array | 'lent'): Tensor | string {
    let tensor: Tensor;
    let buffer: object;
    let offset: number;
    let lent = false;
    try {
      if (!isTensor(value)) return describe(value);
      const { data, shape } = value;
      ({ buffer, byteOffset: offset } = data);
      const own = ownView(data);
      lent = into === 'lent' && own !== undefined;
      const fits = own !== undefined && into instanceof Float64Array && into.length === own.length;
      tensor = new Tensor(lent ? own! : fits ? (into.set(own), into) : new Float64Array(data), shape);
    } catch (error) {
      return `a value that throws when read (${describeThrown(error)})`;
    }
    const previous = this.returned.get(buffer);
    if (previous) {
      const now = new Float64Array(buffer as ArrayBuffer, previous.offset, 'values' in previous ? previous.values.length : previous.length);
      if ('values' in previous) {
        const i = firstChange(previous.values, now);
        if (i >= 0) throw aliased(what, `flat index ${i}: ${numberText(previous.values[i]!)} → ${numberText(now[i]!)}`);
      } else if (!sameFingerprint(previous.fingerprint, fingerprint(now))) {
        throw aliased(what, 'its values then were read at once and not kept: where it changed is not known');
      }
    }
    // a kept copy the buffer still holds, as returned, stays: it says where a later change is
    const kept = previous && 'values' in previous && previous.offset === offset && previous.values.length === tensor.size;
    if (!(lent && kept)) this.returned.set(buffer, lent ? { offset, length: tensor.size, fingerprint: fingerprint(tensor.data) } : { offset, values: tensor.data });
    return tensor;
  }
}

function aliased(what: string, change: string): ContractError {
  return new ContractError(
    'aliased-output',
    `${what} returned the buffer it returned for an earlier call, overwritten since (${change}): every earlier result a caller kept changed with it — return a new tensor from every call`,
  );
}

/**
 * A view of the memory behind a genuine Float64Array, or undefined for anything else that passes
 * for one (a Proxy around one, another typed array with Float64Array's prototype): reading through
 * the view reads that memory, the same on every read. Read with %TypedArray%'s own getters, which
 * read a typed array's internal slots whatever its prototype and own properties say.
 */
function ownView(data: Float64Array): Float64Array | undefined {
  const typedArray = Object.getPrototypeOf(Float64Array.prototype) as object;
  const slot = (key: PropertyKey): unknown => Object.getOwnPropertyDescriptor(typedArray, key)!.get!.call(data);
  if (slot(Symbol.toStringTag) !== 'Float64Array') return undefined;
  return new Float64Array(slot('buffer') as ArrayBuffer, slot('byteOffset') as number, slot('length') as number);
}

/**
 * Four hashes of a Float64Array's 32-bit words, every fourth word each: a word is mixed in by a
 * bijection of the hash, so one word changed always changes the fingerprint, and more than one
 * all but surely do. In lanes, so that each step need not wait for the one before.
 */
export function fingerprint(data: Float64Array): Int32Array {
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  const n = words.length;
  let [a, b, c, d] = [0, 0, 0, 0];
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a = mixed(a, words[i]!);
    b = mixed(b, words[i + 1]!);
    c = mixed(c, words[i + 2]!);
    d = mixed(d, words[i + 3]!);
  }
  if (i < n) {
    a = mixed(a, words[i]!);
    b = mixed(b, words[i + 1]!);
  }
  return Int32Array.of(a, b, c, d);
}

/** The hash with a word mixed in: the product spreads a bit upwards, the shift back down. */
function mixed(hash: number, word: number): number {
  const h = Math.imul(hash ^ word, 0x85ebca6b);
  return h ^ (h >>> 15);
}

function sameFingerprint(a: Int32Array, b: Int32Array): boolean {
  return a.every((h, k) => h === b[k]);
}

/**
 * The target as a Differentiable whose every call is validated and counted by a GuardedTarget: a
 * broken contract throws a ContractError naming it. Laws call targets through this, so that a bad
 * target is reported, never a crash inside the law. Throws a ContractError at once when the target
 * is not a Differentiable for this many inputs.
 */
export function validated(target: Differentiable, inputs: number): Differentiable & { evaluations: GuardedTarget['evaluations'] } {
  const guard = new GuardedTarget(target);
  guard.declare(inputs);
  const differentiable = Array.from({ length: inputs }, (_, k) => k).filter((k) => !guard.nondifferentiable.includes(k));
  return {
    name: guard.name,
    forward: (xs) => guard.forward(xs),
    vjp: (xs, cotangent) => guard.vjp(xs, cotangent, differentiable),
    ...(guard.hasJvp ? { jvp: (xs: readonly Tensor[], tangents: readonly Tensor[]) => guard.jvp(xs, tangents, guard.forwardLent(xs).shape) } : {}),
    nondifferentiable: guard.nondifferentiable,
    evaluations: guard.evaluations,
  };
}

/** The target's name, or a stand-in so that no message starts with "undefined:" (or fails to be written). */
function nameOf(target: Differentiable): string {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return '(not a target)';
  try {
    const name: unknown = target.name;
    return typeof name === 'string' && name !== '' ? name : '(unnamed target)';
  } catch {
    return '(target whose name cannot be read)';
  }
}

/** The first index where b differs from a (as Object.is tells: −0 is not 0, NaN is NaN), or −1. */
export function firstChange(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y ? x === 0 && 1 / x !== 1 / y : x === x || y === y) return i;
  }
  return -1;
}

/**
 * The first index of a value that is not finite, or −1. x·0 is 0 for every finite x and NaN
 * otherwise: a sum of them says whether to look at all, at the pace the values stream in (two
 * sums, so that each add need not wait for the one before). Every perturbed forward's output and
 * every gradient passes through here.
 */
export function firstNonFinite(data: Float64Array): number {
  const n = data.length;
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    even += data[i]! * 0;
    odd += data[i + 1]! * 0;
  }
  if (n % 2 === 1) even += data[n - 1]! * 0;
  return even + odd === 0 ? -1 : data.findIndex((x) => !Number.isFinite(x));
}

function labelled(tensors: readonly Tensor[], role = 'input'): [string, Tensor][] {
  return tensors.map((t, k) => [`${role} ${k}`, t]);
}

/** A number as a message writes it: −0 is not 0. */
export function numberText(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** What a thrown value says, even when it cannot be turned into a string. */
export function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'a value that cannot be written out (reading it throws)';
  }
}

/** What a value is, in words, for a message; never throws. */
export function describe(value: unknown): string {
  try {
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    if (isTensor(value)) return `a tensor of shape ${formatShape(value.shape)}`;
    if (typeof value !== 'object' && typeof value !== 'function') return `${typeof value} ${String(value)}`;
    if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise (derivatives are checked synchronously: await nothing inside, read tfjs tensors with dataSync())';
    const { data, shape } = value as { data?: unknown; shape?: unknown };
    if (ArrayBuffer.isView(data) && Array.isArray(shape)) {
      return `a tensor-like object of shape ${formatShape(shape as number[])} whose data is a ${data.constructor.name} of length ${(data as Float64Array).length} — a Tensor holds a Float64Array of exactly its shape's size: new Tensor(Float64Array.from(data), shape)`;
    }
    if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
    return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  } catch (error) {
    return `a value that throws when read (${describeThrown(error)})`;
  }
}
