import * as tf from '@tensorflow/tfjs-core';
import { gradientsLoadedHere, registeredGradients } from './registration.js';

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

function explained(error: unknown, rerun: () => void): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /gradient function not found for (\w+)/.exec(message);
  if (missing) {
    const kernel = missing[1]!;
    const why = gradientsLoadedHere()
      ? `tfjs-core ${tf.version_core} has none for it, so tfjs cannot differentiate what runs it`
      : `tfjs's gradients were registered before gradprop/tfjs was imported, without this one; tfjs-core's whole set is '@tensorflow/tfjs-core/dist/register_all_gradients'`;
    return new TfjsGradientError(kernel, `TensorFlow.js has no gradient registered for kernel '${kernel}': ${why}`, { cause: error });
  }
  const unsupported = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(message);
  if (unsupported) {
    const [, kernel, backend] = unsupported;
    return new TfjsGradientError(kernel!, `TensorFlow.js's ${backend} backend has no kernel '${kernel}', which the backward pass needs: check on a backend that has it, such as 'cpu'`, { cause: error });
  }
  const named = /Error in gradient for op (\w+)/.exec(message);
  const found = named ? { kernel: named[1]!, input: undefined } : failingGradient(rerun);
  if (!found) return error;
  const where = found.input === undefined ? '' : ` (for its input '${found.input}')`;
  const hint = /\.(\w+) is not a function/.test(message) ? ` (tfjs's chained ops, x.${/\.(\w+) is not a function/.exec(message)![1]}(…), are not registered: import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops')` : '';
  return new TfjsGradientError(
    found.kernel,
    `TensorFlow.js's gradient for kernel '${found.kernel}'${where} threw where the forward ran — a bug of tfjs-core ${tf.version_core}, not of the function checked: ${message}${hint}`,
    { cause: error },
  );
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
