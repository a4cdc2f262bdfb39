import { configDefaults, defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { E2E_SUITES } from './vitest.e2e.config.js';
import { MUTANT_SUITES } from './vitest.mutants.config.js';
import { TFJS_SUITES } from './vitest.tfjs.config.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.prop.ts', 'examples/**/*.test.ts', 'packaging/*.test.ts'],
    // the long TensorFlow.js suites, the end-to-end ones and the mutant corpus run in their own scripts (test:tfjs, test:e2e, test:mutants)
    exclude: [...configDefaults.exclude, ...TFJS_SUITES, ...E2E_SUITES, ...MUTANT_SUITES],
    // vitest leaves a core to its main process, which idles while files run: on 2 cores that halves the pace
    maxWorkers: availableParallelism(),
    setupFiles: ['./vitest.setup.ts'],
    globalSetup: ['./packaging/fresh-build.ts'],
    testTimeout: 60_000,
    // a beforeAll that loads tfjs and registers its gradients takes seconds, more on a loaded machine
    hookTimeout: 60_000,
  },
});
