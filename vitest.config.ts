import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.prop.ts', 'examples/**/*.test.ts'],
    // the tfjs audit runs in its own script, npm run test:tfjs (vitest.tfjs.config.ts)
    exclude: [...configDefaults.exclude, 'properties/tfjs-audit.prop.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
  },
});
