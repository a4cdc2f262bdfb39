/**
 * fast-check arbitraries for what gradient bugs hide in: reals uniform by length, shapes,
 * broadcasting shapes, tensors, ids, an op's inputs from its domain, kink margins and edge values.
 *
 * @module gradprop/arbitraries
 */
export { type RealSpec, uniformReal } from './reals.js';
export { DEFAULT_KINK_MARGIN, kinkRadius } from './kinks.js';
export { DEFAULT_SHAPE, type ShapeArbitrary, shape } from './shape.js';
export { type BroadcastShapesArbitrary, broadcastShapes } from './broadcast-shapes.js';
export { type TensorSpec, type TensorArbitrary, tensorArb, tensorOf } from './tensor.js';
export { ids } from './ids.js';
export { type DrawOptions, fastCheckDraw } from './draw.js';
export { type OpInputsOptions, opInputs } from './op-inputs.js';
export * from './labels.js';
export { isArbitrary } from './is-arbitrary.js';
