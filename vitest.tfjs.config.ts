import { defineConfig } from 'vitest/config';

/** The TensorFlow.js suites too long for `npm test`: the audit, 1,000 checks for leaks, tfjs's import pitfalls in fresh processes. */
export const TFJS_SUITES = ['properties/tfjs-audit.prop.ts', 'properties/tfjs-leaks.prop.ts', 'src/tfjs/registration.test.ts'];

/** `npm run test:tfjs`. */
export default defineConfig({
  test: {
    include: TFJS_SUITES,
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
    // loading tfjs and registering its gradients takes seconds, far more on a loaded machine
    hookTimeout: 120_000,
  },
});
