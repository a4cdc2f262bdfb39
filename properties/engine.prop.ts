import fc from 'fast-check';
import { expect, test } from 'vitest';
import { backwardIsRepeatable, dagGradientsMatchDifferences, dags, usesAreSummed } from './engine-laws.js';

test('random expression graphs with reused values: engine gradients pass the checker (full mode)', () => {
  fc.assert(dagGradientsMatchDifferences(), { numRuns: 100 });
});

test('running backward twice gives the same gradients', () => {
  fc.assert(backwardIsRepeatable(), { numRuns: 100 });
});

test('a value used k times gets the sum of its k contributions', () => {
  fc.assert(usesAreSummed(), { numRuns: 100 });
});

test('the graphs do reuse values', () => {
  // Without reuse the accumulation paths above would go untested.
  const reusing = fc.sample(dags, 100).filter((dag) => {
    const uses = dag.steps.flatMap((step) => ('other' in step ? [step.arg, step.other] : [step.arg]));
    return new Set(uses).size < uses.length;
  });
  expect(reusing.length).toBeGreaterThan(30);
});
