/**
 * gradprop/tfjs: TensorFlow.js functions, custom gradients (tf.customGrad) and tfjs-layers layers as
 * checker targets. tfjs is an optional peer dependency; nothing else in gradprop imports this entry.
 *
 * Importing it makes tfjs able to differentiate (see registration.ts): it resolves once tfjs-core's
 * gradients and chained ops are registered, loading them if nothing registered them before.
 */
import { tfjsReady } from './registration.js';

export { tfjsReady, registeredGradients } from './registration.js';
export { TfjsGradientError } from './backward.js';
export { type InputDtype } from './convert.js';
export { type FromTfjsOptions, type TfjsFunction, type TfjsTarget, fromTfjs } from './from-tfjs.js';
export { type FromTfLayerOptions, type LayerShape, type TfLayer, type TfLayerTarget, fromTfLayer } from './from-tf-layer.js';

await tfjsReady();
