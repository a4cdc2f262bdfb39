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

/** The files that import gradprop as its users do, from dist/. */
const INSTALLED_SUITES = ['examples/**/*.test.ts', 'packaging/*.test.ts'];

/** A project whose files share their worker's modules (see below), with the check that none loads tfjs. */
function shared(name: string, files: { include?: string[]; exclude?: string[] }) {
  return { test: { ...suites, ...files, name, setupFiles: [...suites.setupFiles, './vitest.shared-setup.ts'], isolate: false } };
}

export default defineConfig({
  test: {
    // vitest leaves a core to its main process, which idles while files run: on 2 cores that halves the pace
    maxWorkers: availableParallelism(),
    projects: [
      { test: { ...suites, name: 'tfjs', include: TFJS_LOADING_SUITES } },
      // Every other file runs in a worker that ran others before it, sharing their modules: loading
      // src/, fast-check and vitest's expect once per worker rather than once per file saves about a
      // third of the suite's CPU time. A file that loads tfjs there fails (vitest.shared-setup.ts).
      // The examples and packaging tests use gradprop as a user installs it (dist/): they share
      // workers only with each other, so that `import 'gradprop/vitest'` registers dist/'s matcher
      // and never finds src/'s registered before it by a src/ test. Copies of the engine met in one
      // process still share one trace (src/autodiff/trace.ts; without that, examples/softplus.test.ts
      // failed, BENCHMARKS part 4).
      shared('installed', { include: INSTALLED_SUITES }),
      shared('source', { exclude: [...suites.exclude, ...TFJS_LOADING_SUITES, ...INSTALLED_SUITES] }),
    ],
  },
});
