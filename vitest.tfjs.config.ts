import { defineConfig } from 'vitest/config';

/** `npm run test:tfjs`: the audit of TensorFlow.js's gradients, too long for `npm test`. */
export default defineConfig({
  test: {
    include: ['properties/tfjs-audit.prop.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
  },
});
