import { configDefaults, defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { E2E_SUITES } from './vitest.e2e.config.js';
import { MUTANT_SUITES } from './vitest.mutants.config.js';
import { TFJS_SUITES } from './vitest.tfjs.config.js';

/**
 * The files of npm test that load TensorFlow.js. tfjs is one process-wide registry of kernels,
 * gradients, backends and flags, which these files set up each in its own way (the CPU or the WASM
 * backend, production mode, every gradient or only some): each gets a process of its own.
 */
const TFJS_LOADING_SUITES = ['src/tfjs/*.test.ts', 'properties/tfjs-*.prop.ts'];

/** What both projects share (a project extends nothing, so that its include replaces this one). */
const suites = {
  include: ['src/**/*.test.ts', 'properties/**/*.prop.ts', 'examples/**/*.test.ts', 'packaging/*.test.ts'],
  // the long TensorFlow.js suites, the end-to-end ones and the mutant corpus run in their own scripts (test:tfjs, test:e2e, test:mutants)
  exclude: [...configDefaults.exclude, ...TFJS_SUITES, ...E2E_SUITES, ...MUTANT_SUITES],
  setupFiles: ['./vitest.setup.ts'],
  globalSetup: ['./packaging/fresh-build.ts'],
  testTimeout: 60_000,
  // a beforeAll that loads tfjs and registers its gradients takes seconds, more on a loaded machine
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // vitest leaves a core to its main process, which idles while files run: on 2 cores that halves the pace
    maxWorkers: availableParallelism(),
    projects: [
      { test: { ...suites, name: 'tfjs', include: TFJS_LOADING_SUITES } },
      // Every other file runs in a worker that ran others before it, sharing their modules: loading
      // src/, fast-check and vitest's expect once per worker rather than once per file saves about a
      // third of the suite's CPU time. A file that loads tfjs there fails (vitest.shared-setup.ts).
      // One state does pass on: expect keeps the matcher registered last, and an example that runs
      // after src/vitest/matcher.test.ts (its `import 'gradprop/vitest'` already evaluated) checks
      // dist/'s ops with src/'s matcher — the same code, and one engine trace for both copies
      // (src/autodiff/trace.ts; without that, examples/softplus.test.ts failed, BENCHMARKS part 4).
      {
        test: {
          ...suites,
          name: 'shared',
          exclude: [...suites.exclude, ...TFJS_LOADING_SUITES],
          setupFiles: [...suites.setupFiles, './vitest.shared-setup.ts'],
          isolate: false,
        },
      },
    ],
  },
});
