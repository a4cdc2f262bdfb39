import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type MutantRecord, mutants } from '../../fixtures/mutants/index.js';
import { tensorOf } from '../arbitraries/index.js';
import type { Differentiable } from '../check/index.js';
import { tanh } from '../ops/index.js';
import { Rng, Tensor, ones, tensor } from '../tensor/index.js';
import { checkPower, formatPowerReport, perturbations } from './index.js';

const record = (name: string): MutantRecord => mutants.find((r) => r.name === name)!;
const linear = record('linear (db from the last row)');
const embedding = record('embedding (scatter assigns)');
const mse = record('mse (no factor 2)');
const sides = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }));
const caught = (report: ReturnType<typeof checkPower>) => Object.fromEntries(report.perturbations.map((p) => [p.name, p.caught]));

describe('a strong test and its deliberately weak twins', () => {
  test('honest inputs (generated sizes, uniform values of both signs) catch every planted bug: not flagged', () => {
    const report = checkPower(linear.correct, linear.inputs);
    expect(report.weaknesses, formatPowerReport(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.perturbations.filter((p) => p.applicable).map((p) => p.name)).toEqual(
      ['scale 1e-2', 'scale 1e-4', 'scale 1e-6', 'flip sign', 'zero entry', 'swap gradients', 'transpose'],
    );
    expect(report.perturbations.every((p) => p.caught === p.applicable && (p.casesToCatch ?? 0) <= 100)).toBe(true);
  });

  test('all-ones inputs are flagged weak, naming each such input and the missing negatives', () => {
    const allOnes = sides.map(([B, n, m]) => [ones([B, n]), ones([n, m]), ones([m])]);
    const report = checkPower(linear.correct, allOnes, { extendedRuns: 100 });
    expect(report.ok).toBe(false);
    expect(report.weaknesses.join('\n')).toMatch(/inputs 0, 1 and 2 are all ones in every one of 100 cases/);
    expect(report.weaknesses.join('\n')).toMatch(/no entry is negative in any of 100 cases/);
  });

  test('a tolerance that lets a 1e-2 scaling through is named, with the case the derived tolerance catches it at', () => {
    const report = checkPower(linear.correct, linear.inputs, { rtol: 0.1, atol: 0.1 });
    expect(caught(report)['scale 1e-2']).toBe(false);
    expect(report.weaknesses.join('\n')).toMatch(/tolerance too loose: with atol 0.1, rtol 0.1, scale 1e-2 .* passes all 100 cases; the derived float64 tolerance catches it at case \d+, and the target passes it/);
  });

  test('a float64 target at simple inputs is read as float64 by its noise, not as float32 by its outputs: no loose tolerance to name', () => {
    // its outputs are all float32 values; its forward is as quiet as float64, and the check says so
    const dyadic = fc.array(fc.integer({ min: -16, max: 16 }), { minLength: 64, maxLength: 64 }).map((ks) => [tensor(ks.map((k) => k / 8))]);
    const report = checkPower(weightedSquares(), dyadic, { numRuns: 20, extendedRuns: 20 });
    expect(report.weaknesses, formatPowerReport(report)).toEqual([]);
    // its twin asked to budget for float32 is told the tolerance is too loose
    const loose = checkPower(weightedSquares(), dyadic, { numRuns: 20, extendedRuns: 20, precision: 'float32', mode: 'full' });
    expect(loose.weaknesses.join('\n')).toMatch(/tolerance too loose: with precision float32, scale 1e-\d/);
  });

  test('a target that really computes in float32 is not told to tighten its tolerance: it would fail the tighter one', () => {
    const report = checkPower(weightedSquares(Math.fround), tensorOf([64]).map((x) => [x]), { numRuns: 20, extendedRuns: 20 });
    expect(report.weaknesses.length).toBeGreaterThan(0);
    expect(report.weaknesses.join('\n')).not.toMatch(/tolerance too loose/);
    // whether one of 20 cases fails the float64 tolerance depends on the seed: the check judges a noisy forward by its noise
    expect(report.weaknesses[0]).toMatch(
      /goes unnoticed over 20 cases \(seed \d+\): (with float32 arithmetic read off the forward's noise .*, which the target needs: it fails the derived float64 tolerance|its forward computes in float32 \(read off its noise in 20 of 20 cases\), whose rounding hides an error this small)$/,
    );
  });

  test('too few runs are named, with the number of cases that would do', () => {
    // seeded: whether two cases happen to include a square one depends on the cases drawn
    const report = checkPower(linear.correct, linear.inputs, { numRuns: 2, seed: 20201 });
    expect(report.weaknesses.join('\n')).toMatch(/too few runs: transpose .* passes all 2 cases and is caught only at case \d+ — run at least \d+ cases/);
  });

  test('ids that never repeat are named, and the dropped accumulation has nowhere to go', () => {
    const distinct = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([V, d]) =>
      tensorOf([V, d]).map((E) => [E, tensor(Array.from({ length: V }, (_, i) => V - 1 - i))]));
    const weak = checkPower(embedding.correct, distinct);
    expect(weak.weaknesses.join('\n')).toMatch(/the ids in input 1 never repeat in any of 100 cases/);
    expect(weak.perturbations.find((p) => p.name === 'drop accumulation')).toMatchObject({ applicable: false, caught: false });

    const strong = checkPower(embedding.correct, embedding.inputs);
    expect(strong.weaknesses, formatPowerReport(strong)).toEqual([]);
    expect(strong.perturbations.find((p) => p.name === 'drop accumulation')).toMatchObject({ applicable: true, caught: true });
  });

  test('positive-only inputs are flagged where the target is defined at negatives, and only there', () => {
    const positive = sides.chain(([B, n, m]) => fc.tuple(tensorOf([B, n], { min: 0.1, max: 2 }), tensorOf([n, m], { min: 0.1, max: 2 }), tensorOf([m], { min: 0.1, max: 2 })));
    expect(checkPower(linear.correct, positive.map((xs) => [...xs])).weaknesses.join('\n')).toMatch(/no entry is negative/);
    const log: Differentiable = {
      name: 'log',
      forward: ([x]) => new Tensor(x!.data.map(Math.log), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.data[i]! / v), x!.shape)],
    };
    const report = checkPower(log, tensorOf([3], { min: 0.1, max: 2 }).map((x) => [x]));
    expect(report.weaknesses, formatPowerReport(report)).toEqual([]);
  });

  test('inputs that are always equal are named: their gradients could be swapped unseen', () => {
    const same = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([B, n]) => tensorOf([B, n]).map((x) => [x, x]));
    const report = checkPower(mse.correct, same, { numRuns: 20, extendedRuns: 20 });
    expect(report.weaknesses.join('\n')).toMatch(/inputs 0 and 1 are equal in every one of 20 cases/);
    expect(checkPower(mse.correct, mse.inputs).weaknesses).toEqual([]);
  });

  test('a target that fails its own test is reported as such, not measured', () => {
    const report = checkPower(linear.mutant, linear.inputs);
    expect(report).toMatchObject({ ok: false, perturbations: [] });
    expect(report.weaknesses[0]).toMatch(/^linear \(db from the last row\) fails its own test \(seed \d+, case \d+\): .* at \[tensor\(/);
  });

  test('an op is measured at its domain’s inputs', () => {
    const report = checkPower(tanh);
    expect(report.target).toBe('tanh');
    expect(report.weaknesses, formatPowerReport(report)).toEqual([]);
  });
});

/** Σ (i + 1)·x_i², each product rounded by `round` (Math.fround: a float32 target). */
/**
 * Σ (i+1)·x_i² over the even and over the odd entries: two values, so that their arithmetic can be
 * read off them (one value alone says nothing: the checker then asks the float64 vjp).
 */
function weightedSquares(round: (v: number) => number = (v) => v): Differentiable {
  const half = (x: Tensor, parity: number) => x.data.reduce((s, v, i) => (i % 2 === parity ? round(s + round((i + 1) * round(v * v))) : s), 0);
  return {
    name: 'weighted squares',
    forward: ([x]) => new Tensor(Float64Array.of(half(x!, 0), half(x!, 1)), [2]),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => 2 * (i + 1) * v * g.data[i % 2]!), x!.shape)],
  };
}

describe('the planted bugs are the bugs they say', () => {
  const x = tensor([[0.5, -1.2], [2, 0.3]]);
  const W = tensor([[1.1, -0.4], [0.7, 0.9]]);
  const b = tensor([0.2, -0.6]);
  const g = tensor([[0.8, -1.3], [0.6, 1.4]]);
  const correct = linear.correct.vjp([x, W, b], g);
  const planted = (name: string, target = linear.correct, inputs = [x, W, b], cotangent = g) =>
    perturbations([1e-2]).find((p) => p.name === name)!.plant(target, inputs, new Rng(3))!.vjp(inputs, cotangent);
  const differing = (a: readonly Tensor[], b: readonly Tensor[]) => a.flatMap((t, k) => [...t.data].flatMap((v, i) => (v === b[k]!.data[i] ? [] : [[k, i, b[k]!.data[i]! / v]])));

  test('scale, flip and zero change exactly one entry, by 1 + δ, −1 and 0', () => {
    expect(differing(correct, planted('scale 1e-2'))).toEqual([[expect.any(Number), expect.any(Number), expect.closeTo(1.01, 14)]]);
    expect(differing(correct, planted('flip sign'))).toEqual([[expect.any(Number), expect.any(Number), -1]]);
    expect(differing(correct, planted('zero entry'))).toHaveLength(1);
  });

  test('swap and transpose move whole gradients', () => {
    const swapped = planted('swap gradients');
    expect([swapped[0]!.data, swapped[1]!.data]).toEqual([correct[1]!.data, correct[0]!.data]);
    expect(planted('transpose')[0]!.toArray()).toEqual([[correct[0]!.get(0, 0), correct[0]!.get(1, 0)], [correct[0]!.get(0, 1), correct[0]!.get(1, 1)]]);
  });

  test('drop accumulation is exactly the embedding backward that assigns (the corpus’s own mutant)', () => {
    const inputs = [tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0, 2, 2])];
    const cotangent = tensor([[0.5, -1], [2, 1.5], [-0.3, 0.7], [1.1, -2]]);
    expect(planted('drop accumulation', embedding.correct, inputs, cotangent)[0]!.toArray()).toEqual(embedding.mutant.vjp(inputs, cotangent)[0]!.toArray());
    expect(perturbations([]).find((p) => p.name === 'drop accumulation')!.plant(embedding.correct, [inputs[0]!, tensor([2, 0, 1])], new Rng(0))).toBeNull();
  });
});

test('the report is a replayable function of its options, and formats as a table with its weaknesses', () => {
  const options = { numRuns: 2, seed: 20201 };
  const report = checkPower(linear.correct, linear.inputs, options);
  expect(checkPower(linear.correct, linear.inputs, options)).toEqual(report);
  const text = formatPowerReport(report);
  expect(text).toMatch(/^power of the gradient test of linear: WEAK \(\d+ weakness(es)?\)/);
  expect(text).toMatch(/planted bug\s+caught\s+at case\n\s+scale 1e-2\s+yes\s+1\n/);
  expect(text).toMatch(/transpose\s+(n\/a|MISSED)/);
  expect(text).toMatch(/weaknesses:\n  - too few runs/);
  expect(formatPowerReport(checkPower(linear.correct, linear.inputs))).toMatch(/: STRONG\n/);
});
