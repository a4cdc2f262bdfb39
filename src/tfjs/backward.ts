import * as tf from '@tensorflow/tfjs-core';
import { registeredGradients, registrationState } from './registration.js';

/**
 * A failure of TensorFlow.js's own backward pass, naming the kernel whose gradient failed. tfjs's
 * own message rarely does ("permutedX.reshape is not a function"), and a user reading "vjp threw"
 * would look for the bug in their function.
 */
export class TfjsGradientError extends Error {
  override name = 'TfjsGradientError';
  constructor(
    /** The tfjs kernel (BatchMatMul, Max, …) whose gradient is missing or failed. */
    readonly kernel: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The gradients of `f`'s output with respect to `variables`, pulled back from `dy`; a variable the
 * output does not depend on gets zeros (tf.grads would throw). Call inside a tidy scope. A failure
 * of tfjs's backward pass is thrown as a TfjsGradientError naming the kernel.
 */
export function tfjsGradients(f: () => tf.Tensor, variables: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  try {
    const { grads } = tf.engine().gradients(f, variables, dy, true);
    return grads.map((g, i) => g ?? tf.zerosLike(variables[i]!));
  } catch (error) {
    dropTape();
    throw explained(error, () => tf.engine().gradients(f, variables, dy, true));
  }
}

/**
 * A backward pass that throws leaves the tape behind, holding the tensors its kernels saved for it
 * (tfjs keeps them out of every tidy scope); drop them, as a finished pass would.
 */
function dropTape(): void {
  const state = tf.engine().state as unknown as { activeTape: { saved?: tf.Tensor[] }[] | null; gradientDepth: number };
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) node.saved?.forEach((t) => t.dispose());
  state.activeTape = null;
}

/** The error as a TfjsGradientError naming the kernel, when tfjs's backward pass is what failed; else as it is. */
function explained(error: unknown, rerun: () => void): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /gradient function not found for (\w+)/.exec(message);
  if (missing) return new TfjsGradientError(missing[1]!, `TensorFlow.js has no gradient registered for kernel '${missing[1]}': ${whyMissing()}`, { cause: error });
  const unsupported = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(message);
  if (unsupported) {
    const [, kernel, backend] = unsupported as unknown as [string, string, string];
    return new TfjsGradientError(kernel, `TensorFlow.js's ${backend} backend has no kernel '${kernel}', which the backward pass needs: check on a backend that has it, such as 'cpu'`, { cause: error });
  }
  const named = /Error in gradient for op (\w+)/.exec(message);
  const found = named ? { kernel: named[1]!, input: undefined } : failingGradient(rerun);
  if (!found) return error;
  const where = found.input === undefined ? '' : ` (for its input '${found.input}')`;
  return new TfjsGradientError(
    found.kernel,
    `TensorFlow.js's gradient for kernel '${found.kernel}'${where} threw where the forward ran — a bug of TensorFlow.js (tfjs-core ${tf.version_core}, ` +
      `backend '${tf.getBackend()}'), not of the function checked: ${message}${chainedOpsHint(message)}`,
    { cause: error },
  );
}

function whyMissing(): string {
  switch (registrationState()) {
    case 'loaded here':
      return `tfjs-core ${tf.version_core} has none for it, so tfjs cannot differentiate what runs it`;
    case 'found registered':
      return `tfjs's gradients were registered without this one; tfjs-core's whole set is '@tensorflow/tfjs-core/dist/register_all_gradients'`;
    case 'under way':
      return `tfjs-core's gradients are still being registered — await tfjsReady() (from gradprop/tfjs) before checking`;
    case 'not asked':
      return `tfjs-core registers none by itself — await tfjsReady() (from gradprop/tfjs) once before checking, which registers them, or import '@tensorflow/tfjs'`;
  }
}

/** "permutedX.reshape is not a function": a chained op (a method of tensors) that nothing registered. */
function chainedOpsHint(message: string): string {
  const method = /\.(\w+) is not a function/.exec(message)?.[1];
  return method === undefined ? '' : ` (tfjs's chained ops, x.${method}(…), are not registered: import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops')`;
}

/**
 * Which registered gradient throws: the backward pass again, with every registered gradient behind
 * a wrapper that notes its kernel (and the input whose thunk failed) before passing the error on.
 * Only on a failure, and the registry is restored after, so nothing else ever sees the wrappers.
 */
function failingGradient(rerun: () => void): { kernel: string; input: string | undefined } | undefined {
  const configs = registeredGradients().map((kernel) => tf.getGradient(kernel)!);
  let found: { kernel: string; input: string | undefined } | undefined;
  const noting = <T>(kernel: string, input: string | undefined, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      found ??= { kernel, input };
      throw error;
    }
  };
  for (const config of configs) {
    tf.registerGradient({
      ...config,
      gradFunc: (dy, saved, attrs) => {
        const thunks = noting(config.kernelName, undefined, () => config.gradFunc(dy, saved, attrs));
        return Object.fromEntries(Object.entries(thunks).map(([input, thunk]) => [input, () => noting(config.kernelName, input, thunk)]));
      },
    });
  }
  try {
    tf.tidy(() => void rerun());
  } catch {
    dropTape();
  } finally {
    configs.forEach((config) => tf.registerGradient(config));
  }
  return found;
}
