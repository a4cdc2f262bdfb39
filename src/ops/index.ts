// Importing an op's module registers it: this file is the only list of op families.
export * from './elementwise.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './shape.js';
export * from './gather.js';
export * from './nn.js';
export { type AnyOp, type Inputs, type Op, type OpInfo, type OpSpec, allOps, defineOp, registry } from './define.js';
export { broadcastShapes, broadcastTo, sumTo, unbroadcast } from './broadcast.js';
export { opTarget } from './target.js';
export type * from './domain.js';
