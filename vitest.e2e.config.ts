import { defineConfig } from 'vitest/config';

/**
 * The suites that run gradprop as a user does, in processes of their own: `gradprop check` on
 * hostile modules, modules in every format, a custom tfjs layer and the HTML report; a failure's
 * paste-ready test run by a vitest of its own; every README block compiled and run. Each starts Node processes (and the
 * CLI its worker pool), so together they cost more than the in-process suites of `npm test`.
 */
export const E2E_SUITES = [
  'src/cli/cli.test.ts',
  'src/cli/isolation.test.ts',
  'src/cli/html.test.ts',
  'src/cli/loading.test.ts',
  'examples/paste-ready.test.ts',
  'examples/tfjs/swish.test.ts',
  'packaging/readme.test.ts',
];

/** `npm run test:e2e`. */
export default defineConfig({
  test: {
    include: E2E_SUITES,
    setupFiles: ['./vitest.setup.ts'],
    globalSetup: ['./packaging/fresh-build.ts'],
    testTimeout: 120_000,
  },
});
