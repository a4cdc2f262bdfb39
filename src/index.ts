export * from './tensor/index.js';
export * from './check/index.js';
