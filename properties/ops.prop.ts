import fc from 'fast-check';
import { describe, test } from 'vitest';
import { allOps } from '../src/ops/index.js';
import { opLaws } from './ops-laws.js';

// The registry is the list: an op defined with defineOp is under every law below with no other edit.
describe.each(allOps().map((op) => [op.name, op] as const))('%s', (_name, op) => {
  test('gradients match finite differences (full mode, 100 cases)', () => {
    fc.assert(opLaws.gradientsMatchDifferences(op), { numRuns: 100 });
  });
  test('jvp and vjp agree: ⟨v, J u⟩ both ways', () => {
    fc.assert(opLaws.jvpVjpDuality(op), { numRuns: 100 });
  });
  test('vjp is linear in the cotangent', () => {
    fc.assert(opLaws.vjpIsLinear(op), { numRuns: 50 });
  });
  test('inputs, cotangents and tangents are not mutated', () => {
    fc.assert(opLaws.leavesArgumentsAlone(op), { numRuns: 50 });
  });
});
