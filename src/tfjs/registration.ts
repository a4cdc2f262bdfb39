/**
 * TensorFlow.js's two import pitfalls, taken care of. tfjs-core's Node build (its `main`) registers
 * no gradient at all — the umbrella @tensorflow/tfjs and tfjs-node register them from the ES build
 * — so `tf.grads` of anything throws "gradient function not found"; and without the chained ops
 * (`x.reshape(…)` as a method), some of the gradients that are registered throw "permutedX.reshape
 * is not a function". Both live in tfjs-core's ES build, whose relative imports have no file
 * extension: Node's loader rejects them, so under Node a resolve hook adds it first.
 */
import * as tf from '@tensorflow/tfjs-core';

const GRADIENTS = '@tensorflow/tfjs-core/dist/register_all_gradients.js';
const CHAINED_OPS = '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

/**
 * Resolves `./gradients/Abs_grad` to `./gradients/Abs_grad.js` (or `./x/index.js`) for modules of
 * the @tensorflow packages only; every other specifier goes on unchanged. A data: URL, so that it
 * needs no file of its own wherever gradprop is installed or built to.
 */
const RESOLVE_HOOK = `data:text/javascript,${encodeURIComponent(`
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (parent.includes('/node_modules/@tensorflow/') && specifier.startsWith('.') && !/\\.[cm]?js$/.test(specifier)) {
    for (const candidate of [specifier + '.js', specifier + '/index.js']) {
      if (existsSync(fileURLToPath(new URL(candidate, parent)))) return next(candidate, context);
    }
  }
  return next(specifier, context);
}`)}`;

let registration: Promise<void> | undefined;

/**
 * Where tfjs's gradients stand, for messages: tfjsReady not called yet, under way, done by loading
 * tfjs-core's whole set here, or done because some were registered already (by tfjs itself or you).
 */
export type RegistrationState = 'not asked' | 'under way' | 'loaded here' | 'found registered';
let state: RegistrationState = 'not asked';

/** Where tfjs's gradients stand (see RegistrationState). */
export function registrationState(): RegistrationState {
  return state;
}

/**
 * Resolves when TensorFlow.js can differentiate: tfjs-core's gradients and chained ops registered.
 * Await it once before checking (`await tfjsReady()`) unless something registered them already —
 * the umbrella @tensorflow/tfjs and tfjs-node do. Gradients are loaded only when none are
 * registered, and a gradient you registered yourself before is kept. Rejects with a message that
 * says what to import instead when tfjs-core's ES build cannot be loaded (from CommonJS, say).
 */
export function tfjsReady(): Promise<void> {
  registration ??= register().catch((error: unknown) => {
    registration = undefined;
    state = 'not asked';
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(
      `gradprop/tfjs: TensorFlow.js has no gradients registered, and tfjs-core's could not be loaded (${cause}). ` +
        `Import '@tensorflow/tfjs' (which registers them), or '@tensorflow/tfjs-core/dist/register_all_gradients' and ` +
        `'@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops' through a bundler, before gradprop/tfjs.`,
      { cause: error },
    );
  });
  return registration;
}

async function register(): Promise<void> {
  const gradientsMissing = tf.getGradient(tf.Add) === undefined;
  const chainedOpsMissing = typeof (tf.Tensor.prototype as { reshape?: unknown }).reshape !== 'function';
  state = 'under way';
  if (gradientsMissing || chainedOpsMissing) await addResolveHook();
  if (gradientsMissing) {
    const yours = registeredGradients().map((kernel) => tf.getGradient(kernel)!);
    await import(GRADIENTS);
    yours.forEach((config) => tf.registerGradient(config));
  }
  if (chainedOpsMissing) await import(CHAINED_OPS);
  state = gradientsMissing ? 'loaded here' : 'found registered';
}

let hooked = false;

/** Under Node, the resolve hook for tfjs's ES build; bundlers and vite resolve it themselves. */
export async function addResolveHook(): Promise<void> {
  if (hooked || typeof process === 'undefined' || !process.versions?.node) return;
  const { register: registerHook } = await import('node:module');
  registerHook(RESOLVE_HOOK);
  hooked = true;
}

/**
 * The kernels that have a gradient registered, sorted: every kernel name tfjs-core exports and every
 * kernel of a registered backend, asked for its gradient.
 */
export function registeredGradients(): string[] {
  const names = new Set((Object.values(tf) as unknown[]).filter((value): value is string => typeof value === 'string'));
  for (const backend of Object.keys(tf.engine().registryFactory)) {
    for (const kernel of tf.getKernelsForBackend(backend)) names.add(kernel.kernelName);
  }
  return [...names].filter((name) => tf.getGradient(name) !== undefined).sort();
}
