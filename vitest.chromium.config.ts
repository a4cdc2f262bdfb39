import { defineConfig } from 'vitest/config';

// npm run test:browser: the HTML report opened in Debian's chromium (playwright-core drives it;
// no browser is downloaded). Outside npm test: it needs /usr/bin/chromium, which .ci/run installs.
export default defineConfig({
  test: {
    include: ['src/**/*.chromium.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
