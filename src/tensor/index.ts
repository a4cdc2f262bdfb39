export * from './shape.js';
export * from './tensor.js';
export * from './create.js';
export * from './random.js';
