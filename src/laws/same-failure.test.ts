import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensorOf } from '../arbitraries/index.js';
import type { Differentiable } from '../check/index.js';
import { Tensor } from '../tensor/index.js';
import { LawViolation, checkSameFailure, describeOtherFailure, failureKind, gradientsMatchFiniteDifferences } from './index.js';

/**
 * x / ‖x‖ with the projection forgotten in its vjp (g / ‖x‖ instead of (g − y·⟨y, g⟩) / ‖x‖), and,
 * like any normalisation, undefined at the zero vector: two failures, one of them the bug.
 */
const normalise: Differentiable = {
  name: 'normalise (projection forgotten)',
  forward: ([x]) => new Tensor(x!.data.map((v) => v / Math.hypot(...x!.data)), x!.shape),
  vjp: ([x], g) => [new Tensor(g.data.map((v) => v / Math.hypot(...x!.data)), x!.shape)],
};
const vectors = fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(tensorOf([n])));
const params = { seed: 7, numRuns: 100 };

const problemOf = (error: unknown) => (error as LawViolation).report?.problem;

describe('checkSameFailure shrinks toward the failure it found, not toward any failure', () => {
  test('plain fc.check shrinks the wrong vjp to the zero vector, where the forward is NaN (the slippage this prevents)', () => {
    const details = fc.check(gradientsMatchFiniteDifferences(normalise, vectors), params);
    expect(problemOf(details.errorInstance)).toBe('non-finite-output');
  });

  test('the shrunk case still shows the wrong vjp, and the NaN met on the way is kept as a footnote', () => {
    const details = checkSameFailure(gradientsMatchFiniteDifferences(normalise, vectors), params);
    expect(details.failed).toBe(true);
    expect(problemOf(details.errorInstance)).toBe('mismatch');
    expect([...details.counterexample![0].inputs[0]!.data]).toEqual([1]);
    expect(problemOf(details.otherFailure)).toBe('non-finite-output');
    expect(describeOtherFailure(details.otherFailure)).toBe(
      'shrinking also met a different failure and did not follow it: forward is not finite at the input: NaN at flat index 0 of the output, at [tensor([0])]',
    );
  });

  test('the cases counted are those run before the failure, and the seed and path replay the same counterexample', () => {
    const details = checkSameFailure(gradientsMatchFiniteDifferences(normalise, vectors), params);
    const found = fc.check(gradientsMatchFiniteDifferences(normalise, vectors), { ...params, endOnFailure: true });
    expect(details.numRuns).toBe(found.numRuns);
    const replayed = checkSameFailure(gradientsMatchFiniteDifferences(normalise, vectors), { seed: details.seed, path: details.counterexamplePath! });
    expect(replayed.counterexample![0].inputs.map((x) => [...x.data])).toEqual(details.counterexample![0].inputs.map((x) => [...x.data]));
    expect(replayed.numShrinks).toBe(0);
  });

  test('a property that holds passes as with fc.check, with nothing met', () => {
    const correct: Differentiable = {
      ...normalise,
      vjp: ([x], g) => {
        const r = Math.hypot(...x!.data);
        const dot = x!.data.reduce((s, v, i) => s + (v / r) * g.data[i]!, 0);
        return [new Tensor(x!.data.map((v, i) => (g.data[i]! - (v / r) * dot) / r), x!.shape)];
      },
    };
    const nonZero = vectors.filter(([x]) => x.data.some((v) => v !== 0));
    const details = checkSameFailure(gradientsMatchFiniteDifferences(correct, nonZero), params);
    expect(details.failed).toBe(false);
    expect(details.numRuns).toBe(100);
    expect(details.otherFailure).toBeUndefined();
  });

  test('failures of one kind still shrink among themselves', () => {
    const details = checkSameFailure(fc.property(fc.integer({ min: 0, max: 1000 }), (n) => {
      if (n >= 10) throw new RangeError(`too large: ${n}`);
    }), { seed: 3 });
    expect(details.counterexample).toEqual([10]);
    expect(details.otherFailure).toBeUndefined();
  });

  test('errors that are not law violations are told apart by their class', () => {
    const property = () => fc.property(fc.integer({ min: 0, max: 1000 }), (n) => {
      if (n >= 500) throw new RangeError('large');
      if (n >= 5) throw new TypeError('small');
    });
    // From seed 1 the first failure is a RangeError: fc.check slips to the TypeError at 5.
    expect(fc.check(property(), { seed: 1 }).counterexample).toEqual([5]);
    const details = checkSameFailure(property(), { seed: 1 });
    expect(details.counterexample).toEqual([500]);
    expect(failureKind(details.errorInstance)).toBe('RangeError');
    expect(String(details.otherFailure)).toBe('TypeError: small');
  });

  test('a law violation’s kind is its law, verdict and problem', () => {
    const details = fc.check(gradientsMatchFiniteDifferences(normalise, vectors), params);
    expect(failureKind(details.errorInstance)).toBe('gradientsMatchFiniteDifferences: error non-finite-output');
    expect(failureKind('a string')).toBe('string');
  });
});
