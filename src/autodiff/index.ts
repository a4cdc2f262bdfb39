export type { Primitive } from './primitive.js';
export { listening, record, untraced } from './trace.js';
export { applyJvp, applyVjp } from './rules.js';
export { type TensorFunction, type TensorsFunction, grad, hessian, hvp, jvp, jvpMany, valueAndGrad, vjp, vjpMany } from './api.js';
export { type AsDifferentiableOptions, type Pullback, asDifferentiable, vjpTarget } from './differentiable.js';
export { describeValue } from './describe.js';
