// The package root: no testing library behind it. fast-check lives behind gradprop/arbitraries,
// gradprop/laws and gradprop/vitest.
export * from './tensor/index.js';
export * from './check/index.js';
export * from './autodiff/index.js';
export * from './ops/index.js';
export * from './zoo/index.js';
export * from './optim/index.js';
