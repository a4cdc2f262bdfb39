export type { Primitive } from './primitive.js';
export { record, untraced } from './trace.js';
export { applyJvp, applyVjp } from './rules.js';
export { type TensorFunction, grad, jvp, valueAndGrad, vjp } from './api.js';
export { type AsDifferentiableOptions, asDifferentiable } from './differentiable.js';
export { describeValue } from './describe.js';
