import { defineConfig } from 'vitest/config';

/**
 * gradprop's own power on the mutant corpus (fixtures/mutants): every buggy layer caught within 100
 * cases, every correct twin clean over 1000 — some 15,000 checks, a fifth of `npm test`'s time on
 * its own. `npm run test:mutants` runs it; `.ci/run` does, and `npm run test:seeds` at every seed.
 */
export const MUTANT_SUITES = ['properties/mutants.prop.ts'];

/** `npm run test:mutants`. */
export default defineConfig({
  test: {
    include: MUTANT_SUITES,
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
  },
});
