/**
 * The package root: tensors, the checker, the engine and its ops, the zoo and the optimiser — no
 * testing library behind it (fast-check lives behind gradprop/arbitraries, gradprop/laws and the
 * test-runner faces).
 *
 * @module gradprop
 */
export * from './tensor/index.js';
export * from './check/index.js';
export * from './autodiff/index.js';
export * from './ops/index.js';
export * from './zoo/index.js';
export * from './optim/index.js';
