/**
 * Localisation pinned exactly: which entries are named, when the search looks at every entry, what a
 * probe's disagreement that no entry confirms becomes, and what each way of searching costs.
 */
import { describe, expect, test } from 'vitest';
import { Tensor, scalar, tensor } from '../tensor/index.js';
import { type Differentiable, checkGradients, formatReport } from './index.js';

const weight = (i: number) => 1 + (i % 8) / 8;

/**
 * f(x) = 1000 + Σ c_i·x_i, its gradient off by `delta` in every entry: each entry's error is below
 * that entry's tolerance (the rounding of f ≈ 1000 dominates it), but along a random direction
 * over hundreds of entries they add up past the projection's tolerance. No entry confirms the
 * probe, so after looking at every entry it is kept as 'agree', marked unconfirmed.
 */
const spread = (delta: number): Differentiable => ({
  name: 'spread',
  forward: ([x]) => scalar(1000 + x!.data.reduce((s, v, i) => s + weight(i) * v, 0)),
  vjp: ([x], g) => [new Tensor(x!.data.map((_, i) => g.item() * (weight(i) + delta)), x!.shape)],
});
const entries = (n: number) => tensor(Array.from({ length: n }, (_, i) => 0.3 + (i % 7) / 10));
const excess = (report: ReturnType<typeof checkGradients>) => report.worst!.absError / report.worst!.tolerance;

/** f(x) = Σ c_i·x_i² with its gradient wrong by +1 at the given entries. */
const wrongAt = (wrong: number[]): Differentiable => ({
  name: 'q',
  forward: ([x]) => scalar(x!.data.reduce((s, v, i) => s + weight(i) * v * v, 0)),
  vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => g.item() * (2 * weight(i) * v + (wrong.includes(i) ? 1 : 0))), x!.shape)],
});
const named = (report: ReturnType<typeof checkGradients>) => report.mismatches.filter((c) => c.input !== null).map((c) => c.index[0]);

describe('a probe that disagrees while no entry does', () => {
  test('every entry agrees on its own (full mode), and the projection along 256 of them does not', () => {
    expect(checkGradients(spread(1e-9), [entries(256)], { mode: 'full' }).verdict).toBe('pass');
    expect(excess(checkGradients(spread(1e-9), [entries(256)], { mode: 'fast', entrywiseLimit: 0, maxMismatches: 0 }))).toBeGreaterThan(4);
  });

  // 4 forwards at the input (2 at the start, 1 before the first vjp — the noise reading moved the
  // input since — and 1 at the end), 8 per direction (4 step sizes, both
  // signs): the probe's, then each bisected half's (36, straight down the closer halves) and each
  // entry's, and 8 to read the noise again (a disagreement no entry reproduced may be a noisy
  // forward's, see checkGradients); comparisons: the 2 probes, the vjp's linearity, and the entries
  test.each([
    ['entry by entry', { entrywiseLimit: 256 }, 4 + 8 + 256 * 8 + 8, 2 + 1 + 256],
    ['by bisection, then every entry', {}, 4 + 8 + 8 * (36 + 256) + 8, 2 + 1 + 256],
    ['in fast mode too', { mode: 'fast' as const }, 4 + 8 + 8 * (36 + 256) + 8, 2 + 1 + 256],
  ])('is kept as agreeing, marked unconfirmed, once every entry was looked at (%s)', (_, options, forwards, comparisons) => {
    const report = checkGradients(spread(1e-9), [entries(256)], options);
    expect(report.verdict).toBe('pass');
    expect(report.mismatches).toEqual([]);
    expect(report.worst).toMatchObject({ input: null, index: [], quantity: 'vjp', verdict: 'agree', unconfirmed: true });
    expect(excess(report)).toBeGreaterThan(1);
    expect(report.message).toMatch(new RegExp(`^spread: ${comparisons} comparisons agree`));
    // two probes and the vjp at a combination of them
    expect(report.evaluations).toEqual({ forward: forwards, vjp: 3, jvp: 0 });
    expect(formatReport(report)).toMatch(/\n {2}probe {2}· +v +vjp .* ok \(no entry\)\n/);
  });

  test('every entry is looked at up to 1024 entries; beyond, the probe stands as a failure', () => {
    const upTo = checkGradients(spread(1e-9), [entries(1024)]);
    expect([upTo.verdict, upTo.worst!.unconfirmed, upTo.evaluations.forward]).toEqual(['pass', true, 8484]);
    const beyond = checkGradients(spread(1e-9), [entries(1025)]);
    expect(beyond.verdict).toBe('fail');
    expect(beyond.message).toMatch(/^spread: vjp wrong at a random projection ⟨v, J u⟩: .* \(2 comparisons disagree\)$/);
    expect(named(beyond)).toEqual([]);
  });

  test('a probe across a kink that no entry crosses alone is nonsmooth', () => {
    // min(|x0|, |x1|) at (0, 0): flat along either axis, |t|·min(|u0|, |u1|) along a probe
    const minAbs: Differentiable = {
      name: 'min |x|',
      forward: ([x]) => scalar(Math.min(Math.abs(x!.data[0]!), Math.abs(x!.data[1]!))),
      vjp: ([x]) => [new Tensor(new Float64Array(2), x!.shape)],
    };
    const report = checkGradients(minAbs, [tensor([0, 0])]);
    expect(report.verdict).toBe('nonsmooth');
    expect(report.mismatches.map((c) => [c.input, c.verdict, c.unconfirmed])).toEqual([[null, 'nonsmooth', undefined], [null, 'nonsmooth', undefined]]);
    expect(report.worst!.oneSided).toHaveLength(2);
  });

  test('only the probes of the quantity that no entry confirmed are revised', () => {
    // the vjp's error is spread thin; the jvp is wrong at entry 3, which localising the jvp names
    const both: Differentiable = {
      ...spread(1e-9),
      jvp: ([x], [t]) => scalar(t!.data.reduce((s, v, i) => s + (weight(i) + (i === 3 ? 1 : 0)) * v, 0) + 0 * x!.size),
    };
    const report = checkGradients(both, [entries(256)]);
    expect(report.verdict).toBe('fail');
    expect(named(report)).toEqual([3]);
    const probes = report.mismatches.filter((c) => c.input === null).map((c) => c.quantity);
    expect(probes.filter((q) => q === 'jvp')).toHaveLength(2);
    expect(probes).not.toContain('vjp');
  });
});

describe('how far localisation goes', () => {
  const small = entries(8);
  const large = entries(64);

  test.each([
    ['entry by entry', small],
    ['by bisection', large],
  ])('maxMismatches 0 names no entry and says the search was cut short (%s)', (_, x) => {
    const report = checkGradients(wrongAt([1, 5]), [x], { maxMismatches: 0 });
    expect(report.verdict).toBe('fail');
    expect(named(report)).toEqual([]);
    expect(report.message).toMatch(/ \(2\+ comparisons disagree\)$/);
  });

  test('fast mode stops at the first entry that confirms the probe; auto names them all', () => {
    expect(named(checkGradients(wrongAt([1, 5]), [small], { mode: 'fast' }))).toEqual([1]);
    expect(named(checkGradients(wrongAt([1, 5]), [small]))).toEqual([1, 5]);
  });

  test('entries are listed first, then the probes in the order they were made', () => {
    // the first of two probes is the only one of a check with one: the same draws, in the same order
    const two = checkGradients(wrongAt([1, 5]), [small]).mismatches;
    const one = checkGradients(wrongAt([1, 5]), [small], { probes: 1 }).mismatches;
    expect(two.map((c) => c.input)).toEqual([0, 0, null, null]);
    expect(two[2]).toEqual(one[2]);
    expect(two[3]).not.toEqual(one[2]);
  });

  test('a bisection that followed every disagreeing half is complete: the count has no +', () => {
    const report = checkGradients(wrongAt([3, 40, 41]), [large]);
    expect(named(report)).toEqual([3, 40, 41]);
    expect(report.message).toMatch(/ \(3 comparisons disagree\)$/);
  });

  test.each([
    // 4 forwards at the input, 8 for the probe direction, 8 per entry or bisected half, 8 to
    // confirm each wrong entry on a second run of steps, and 8 to read the failed forward's noise again
    ['up to the entrywise limit, entry by entry', { entrywiseLimit: 8 }, 4 + 8 + 8 * 8 + 8 * 2 + 8],
    ['past it, by bisection', { entrywiseLimit: 7 }, 4 + 8 + 8 * 10 + 8 * 2 + 8],
  ])('what localising costs: %s', (_, options, forwards) => {
    const report = checkGradients(wrongAt([1, 5]), [small], options);
    expect(named(report)).toEqual([1, 5]);
    expect(report.evaluations.forward).toBe(forwards);
  });
});

describe('when no half disagrees, the search follows the one further past its tolerance', () => {
  test('two errors each too small for their half, together enough for the probe: one is named, straight down', () => {
    // 1000.1 + x elementwise: every comparison's tolerance is the rounding of the outputs (values
    // on the grid of 1000's last place), ~1e-7, whatever the direction; entry 10 alone clears it,
    // its half does not (seed 0)
    const shifted: Differentiable = {
      name: 'shifted identity',
      forward: ([x]) => new Tensor(x!.data.map((v) => 1000.1 + v), x!.shape),
      vjp: ([x], g) => [new Tensor(g.data.map((v, i) => v * (1 + (i === 10 ? 2e-7 : i === 50 ? -2e-7 : 0))), x!.shape)],
    };
    const report = checkGradients(shifted, [entries(64)]);
    expect(named(report)).toEqual([10]);
    // 4 forwards at the input, 8 for the probe, 8 for each of 2 halves at 6 levels, 8 to confirm
    // the entry, 8 to read the failed forward's noise again: no look at every entry
    expect(report.evaluations.forward).toBe(4 + 8 + 8 * 2 * 6 + 8 + 8);
  });
});
