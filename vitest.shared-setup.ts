import { afterAll, expect } from 'vitest';

// The shared project's files run one after another in a worker that keeps its modules. TensorFlow.js
// keeps one registry per process (kernels, gradients, backends, flags, live tensors), so a file
// that loads it would hand its state to every file after it: such a file belongs to the isolated
// tfjs project, which takes it by name.
afterAll(() => {
  if ((globalThis as { _tfengine?: unknown })._tfengine !== undefined) {
    throw new Error(
      `${expect.getState().testPath ?? 'this test file'} loaded TensorFlow.js (or a file before it in this worker did) in the shared vitest project, ` +
        'where files share one process: name it src/tfjs/*.test.ts or properties/tfjs-*.prop.ts so that it runs isolated (vitest.config.ts)',
    );
  }
});
