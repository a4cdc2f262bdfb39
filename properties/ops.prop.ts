import fc from 'fast-check';
import { describe, test } from 'vitest';
import { gradientsMatchFiniteDifferences, isPure, jvpMatchesVjp, vjpIsLinear } from '../src/laws/index.js';
import { allOps } from '../src/ops/index.js';

// The registry is the list: an op defined with defineOp is under every law below with no other
// edit. Each law draws its cases from the op's own domain.
describe.each(allOps().map((op) => [op.name, op] as const))('%s', (_name, op) => {
  test('gradients match finite differences (full mode, 100 cases)', () => {
    fc.assert(gradientsMatchFiniteDifferences(op, undefined, { mode: 'full' }), { numRuns: 100 });
  });
  test('jvp and vjp agree: ⟨v, J u⟩ both ways', () => {
    fc.assert(jvpMatchesVjp(op), { numRuns: 100 });
  });
  test('vjp is linear in the cotangent', () => {
    fc.assert(vjpIsLinear(op), { numRuns: 50 });
  });
  test('forward and vjp are pure: no argument mutated, same bits twice', () => {
    fc.assert(isPure(op), { numRuns: 50 });
  });
});
