import { defineConfig } from 'vitest/config';

// What Stryker runs against each mutant of src/check and src/ops: the unit tests beside those
// folders and the op properties — not the zoo, training or BPTT suites, which exercise the same
// code far more slowly and would make a mutation run take hours on two cores.
export default defineConfig({
  test: {
    include: ['src/check/**/*.test.ts', 'src/ops/**/*.test.ts', 'properties/ops.prop.ts', 'properties/ops-twins.prop.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
  },
});
