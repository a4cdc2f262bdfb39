import { configDefaults, defineConfig } from 'vitest/config';
import { TFJS_SUITES } from './vitest.tfjs.config.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.prop.ts', 'examples/**/*.test.ts', 'packaging/*.test.ts'],
    // the long TensorFlow.js suites run in their own script, npm run test:tfjs
    exclude: [...configDefaults.exclude, ...TFJS_SUITES],
    setupFiles: ['./vitest.setup.ts'],
    globalSetup: ['./packaging/fresh-build.ts'],
    testTimeout: 60_000,
    // a beforeAll that loads tfjs and registers its gradients takes seconds, more on a loaded machine
    hookTimeout: 60_000,
  },
});
