/**
 * What the CLI can check, recognised by shape rather than instanceof: a user's module may load its
 * own copy of gradprop (or of fast-check), whose classes are not ours.
 */
import type fc from 'fast-check';
import type { Differentiable } from '../check/index.js';
import type { Params } from '../zoo/index.js';
import type { AnyOp } from '../ops/index.js';
import type { Domain } from '../ops/domain.js';
import type { Unrollable } from '../laws/bptt.js';
import { type Tensor, isTensor } from '../tensor/index.js';

/** The part of the zoo's Model interface the CLI uses. */
export interface ModelLike {
  name: string;
  paramNames: readonly string[];
  init(seed: number): Params;
  sampleBatch(seed: number): unknown;
  lossAndGrad(params: Params, batch: unknown): { loss: number; grads: Params };
  manualGrad?(params: Params, batch: unknown): { loss: number; grads: Params };
  asDifferentiable(batch: unknown): Differentiable;
}

export type RecurrentLike = ModelLike & Unrollable;

/** `{ target, inputs }`: a target and the inputs to check it at. */
export interface Spec {
  target: unknown;
  inputs?: unknown;
}

const has = (value: unknown, key: string, type: 'function' | 'string' | 'object'): boolean =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as Record<string, unknown>)[key] === type;

/** Made with defineOp: callable, with apply and a domain that can sample inputs. */
export function isOpLike(value: unknown): value is AnyOp {
  return typeof value === 'function' && has(value, 'apply', 'function') && hasDomain(value) && has(value, 'vjp', 'function');
}

export function isDifferentiable(value: unknown): value is Differentiable {
  return has(value, 'name', 'string') && has(value, 'forward', 'function') && has(value, 'vjp', 'function');
}

export function hasDomain(value: unknown): value is { domain: Domain<undefined> } {
  return has(value, 'domain', 'object') && has((value as { domain: unknown }).domain, 'sample', 'function');
}

export function isModel(value: unknown): value is ModelLike {
  return (
    has(value, 'name', 'string') &&
    Array.isArray((value as { paramNames?: unknown }).paramNames) &&
    ['init', 'sampleBatch', 'lossAndGrad', 'asDifferentiable'].every((key) => has(value, key, 'function'))
  );
}

/** A model with the step and readout the BPTT law unrolls. */
export function isRecurrent(model: ModelLike): model is RecurrentLike {
  return Array.isArray((model as Partial<Unrollable>).sharedNames) && ['initialState', 'step', 'readout'].every((key) => has(model, key, 'function'));
}

export function isSpec(value: unknown): value is Spec {
  return has(value, 'target', 'object') || has(value, 'target', 'function');
}

export function isTensorList(value: unknown): value is Tensor[] {
  return Array.isArray(value) && value.every(isTensor);
}
