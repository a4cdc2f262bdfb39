import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.prop.ts', 'examples/**/*.test.ts', 'packaging/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    globalSetup: ['./packaging/fresh-build.ts'],
    testTimeout: 60_000,
  },
});
