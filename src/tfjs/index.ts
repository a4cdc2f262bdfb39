/**
 * gradprop/tfjs: TensorFlow.js functions, custom gradients (tf.customGrad) and tfjs-layers layers as
 * checker targets. tfjs is an optional peer dependency; nothing else in gradprop imports this entry.
 *
 * tfjs-core alone registers no gradient: `await tfjsReady()` once before checking registers them
 * (see registration.ts). Importing this entry does nothing else, so that it loads the same way
 * from ES modules and CommonJS.
 */
export { type RegistrationState, registeredGradients, registrationState, tfjsReady } from './registration.js';
export { TfjsGradientError } from './backward.js';
export { type InputDtype } from './convert.js';
export { type FromTfjsOptions, type TfjsFunction, type TfjsTarget, fromTfjs } from './from-tfjs.js';
export { type FromTfLayerOptions, type LayerShape, type LayerWeight, type TfLayer, type TfLayerTarget, fromTfLayer } from './from-tf-layer.js';
