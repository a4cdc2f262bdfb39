/**
 * Richardson extrapolation pinned exactly: how many samples of φ it takes (steps halve from the
 * first until `levels` have been taken, then on until the estimate settles, never below the
 * smallest unless its quotients still converge there, then down to the smallest exact step; an
 * estimate that settles late or never is taken again on steps ¾ the size), the rounding it reads off the samples by fourth differences, and what it says of a jump.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../tensor/index.js';
import { type Ladder, type Sampler, differentiate, lowestBit, rerunsAlong } from './richardson.js';

const EPS = 2 ** -53;
const LADDER: Ladder = { first: 2 ** -7, levels: 4, smallest: 2 ** -30, exact: 2 ** -34 };
/** The largest input, and no backward error beyond it. */
const sizes = (input: number, measured = 0) => ({ input, backward: 0, measured });
const at = (levels: number): Ladder => ({ ...LADDER, levels });

/** φ counted: the number of samples is the cost of a finite difference. */
function counted(phi: Sampler): { phi: Sampler; calls: () => number; steps: number[] } {
  const steps: number[] = [];
  return { phi: (t) => (steps.push(t), phi(t)), calls: () => steps.length, steps };
}
const of = (...values: number[]) => Float64Array.from(values);

describe('how many samples a derivative takes', () => {
  test.each([
    ['a linear φ settles at the fourth step size', (t: number) => of(3 * t), 8],
    ['a constant 0 settles: an error of 0 is within a tolerance of 0', () => of(0), 8],
    // central differences of |t|^1.5 are exact, one-sided ones carry √h: only the smallest step stops it, twice
    ['an even φ with a rough one-sided part goes down to the smallest step, on both runs', (t: number) => of(Math.abs(t) ** 1.5), 96],
    // t·|t|: central quotients err by h (not the even powers extrapolation cancels), one-sided ones are
    // exact: it halves on until that error meets (a few times) the rounding the step amplifies
    // (2^-25, 19 steps), however well its one-sided slopes settle, and is taken again (18 steps at ¾ of those)
    ['an odd φ with a t·|t| part goes down until its error meets the rounding, and is taken again', (t: number) => of(3 * t + t * Math.abs(t)), 38 + 36],
    ['one component that never settles keeps the others sampling', (t: number) => of(3 * t, t && t * Math.sin(1 / t)), 96],
    // a kink at 2^-13 spoils the first steps: settled (on two steps in a row) past the four steps and
    // two more allowed (9 steps), so taken again (12 steps at ¾ of those, the kink spoiling one more)
    ['a kink six steps away settles late, and is taken again on a second run', (t: number) => of(t + Math.max(0, t - 2 ** -13)), 18 + 24],
    ['a kink three steps away settles on time (two steps in a row): no second run', (t: number) => of(t + Math.max(0, t - 2 ** -10)), 12],
  ])('%s', (_, f, calls) => {
    const c = counted(f);
    expect(differentiate(c.phi, c.phi(0)!, LADDER, EPS, sizes(1))).not.toBeNull();
    expect(c.calls() - 1).toBe(calls);
  });

  test('the second run starts at ¾ of the first step, and halves down to ¾ of the smallest', () => {
    const c = counted((t) => of(Math.abs(t) ** 1.5));
    differentiate(c.phi, of(0), LADDER, EPS, sizes(1));
    const positive = c.steps.filter((t) => t > 0);
    expect(positive.slice(0, 2)).toEqual([2 ** -7, 2 ** -8]);
    expect(positive.slice(24, 26)).toEqual([0.75 * 2 ** -7, 0.75 * 2 ** -8]);
    expect(Math.min(...positive)).toBe(0.75 * 2 ** -30);
  });

  test('no second run when the first’s steps do not all move the input exactly (a float32 input)', () => {
    const c = counted((t) => of(Math.abs(t) ** 1.5));
    const d = differentiate(c.phi, of(0), { ...LADDER, exact: 2 ** -33 }, EPS, sizes(1));
    expect(c.calls()).toBe(48);
    expect(d!.confirmed).toBe(true);
  });

  test('a first run is confirmed on demand: the second run is taken however soon the first settled', () => {
    const first = differentiate((t) => of(3 * t), of(0), LADDER, EPS, sizes(1))!;
    expect(first.confirmed).toBe(false);
    const c = counted((t) => of(3 * t));
    expect(differentiate(c.phi, of(0), LADDER, EPS, sizes(1), first)!.confirmed).toBe(true);
    expect(c.calls()).toBe(8);
  });

  test('a slope small beside its output’s rounding stops within a few times it, and is taken again; confirming it goes on to the rounding itself', () => {
    // tanh at 8: a slope of 4.5e-7 under values of 1, whose rounding the tableau amplifies to about
    // twice rounding/step at every step — no smaller step makes it better
    const c = counted((t) => of(Math.tanh(8 + t)));
    const d = differentiate(c.phi, of(Math.tanh(8)), LADDER, EPS, sizes(8))!;
    expect(d.crisp).toBe(false);
    expect(c.calls()).toBe(8 + 8); // four steps, and four on a second run
    expect(Math.abs(d.central.value[0]! / (1 - Math.tanh(8) ** 2) - 1)).toBeLessThan(1e-7);
    const again = counted((t) => of(Math.tanh(8 + t)));
    differentiate(again.phi, of(Math.tanh(8)), LADDER, EPS, sizes(8), d);
    expect(again.calls()).toBeGreaterThan(16);
  });

  test('levels decides the first estimate: no fewer samples are taken', () => {
    const c = counted((t) => of(3 * t));
    differentiate(c.phi, of(0), at(6), EPS, sizes(1));
    expect(c.calls()).toBe(12);
  });

  test('a step outside the domain restarts the run at a smaller step, down to the smallest itself', () => {
    // defined only within 2^-27 of 0: the run that counts is 2^-27 … 2^-30
    const c = counted((t) => (Math.abs(t) > 2 ** -27 ? null : of(5 * t)));
    const d = differentiate(c.phi, of(0), LADDER, EPS, sizes(1));
    expect(d!.central.value[0]).toBeCloseTo(5, 12);
    expect(Math.min(...c.steps.map(Math.abs))).toBe(2 ** -30);
  });

  test('a φ undefined on one side of 0 gives no derivative', () => {
    expect(differentiate((t) => (t < 0 ? null : of(t)), of(0), LADDER, EPS, sizes(1))).toBeNull();
  });
});

describe('runs of steps', () => {
  test('an oscillation faster than any step: the runs disagree, and the error says so', () => {
    // sin(10^12 t) at 0.3: no step down to 2^-30 resolves it, and each run alone can settle on an accident
    for (const x of [0.3, 1.1, 2.7]) {
      const d = differentiate((t) => of(Math.sin(1e12 * (x + t))), of(Math.sin(1e12 * x)), LADDER, EPS, sizes(1))!;
      expect(d.central.error[0]!).toBeGreaterThan(Math.abs(d.central.value[0]!) / 32);
    }
  });

  test('further runs along one entry start at fractions prime to its direction, and every step of theirs stays exact', () => {
    const rng = new Rng(Number(process.env.GRADPROP_SEED ?? 1));
    for (let k = 0; k < 100; k++) {
      // an entry's direction as the input space draws it: a multiple of x's spacing over 2^-34
      const x = (rng.next() * 4 - 2) * 2 ** Math.floor(rng.next() * 20 - 10);
      const quantum = lowestBit(Math.abs(x)) > 0 ? 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52 + 34) : 1;
      const d = Math.round((Math.abs(x) * (0.5 + rng.next())) / quantum) * quantum;
      const odd = d / lowestBit(d);
      for (const factor of rerunsAlong(of(0, d, 0))) {
        // factor = j/(16·m) for d = m·2^e, m odd: the input moves by j·2^(e−4) times the step's power of two, exactly
        const j = Math.round(factor * 16 * odd);
        expect(Math.abs(factor * 16 * odd - j)).toBeLessThan(1e-6);
        if (odd > 1) expect(j % odd, `a fraction of ${odd} that reduces to a power of two's`).not.toBe(0);
        for (let level = 0; level <= 23; level++) {
          const step = LADDER.first * factor * 2 ** -level;
          const exact = ((j * lowestBit(d)) / 16) * LADDER.first * 2 ** -level;
          expect(x + step * d - x, `x = ${x}, d = ${d}, factor ${factor}, level ${level}`).toBe(exact);
        }
      }
    }
    // twins: a direction that moves two entries, or none, keeps the four-bit fractions
    expect(rerunsAlong(of(0.5, 0.25))).toEqual([3 / 4, 5 / 8, 7 / 8, 9 / 16]);
    expect(rerunsAlong(of(0, 0))).toEqual([3 / 4, 5 / 8, 7 / 8, 9 / 16]);
  });

  test('a sine its steps barely resolve at 2^-30 goes on down while its quotients converge, and settles: sin(1.5·10⁸·x) at 0.9', () => {
    const [w, x] = [1.5e8, 0.9];
    const truth = w * Math.cos(w * x);
    const estimate = (ladder: Ladder) => {
      const c = counted((t) => of(Math.sin(w * (x + t))));
      const d = differentiate(c.phi, of(Math.sin(w * x)), ladder, EPS, sizes(1))!;
      return { value: d.central.value[0]!, tolerance: 16 * d.central.error[0]!, smallest: Math.min(...c.steps.filter((t) => t > 0)) };
    };
    // its phase turns by 0.14 radians a step at 2^-30: the quotients still move there, by a quarter a halving
    const deeper = estimate(LADDER);
    expect(deeper.smallest).toBeLessThan(2 ** -30);
    expect(deeper.smallest).toBeGreaterThanOrEqual((9 / 16) * 2 ** -34);
    expect(Math.abs(deeper.value / truth - 1)).toBeLessThan(1e-9);
    expect(deeper.tolerance).toBeLessThan(1e-6 * Math.abs(truth));
    // the twin, a ladder that stops at 2^-30: its estimate is close, but its tolerance (15% of it)
    // would pass a gradient 1% off
    const stopped = estimate({ ...LADDER, exact: 2 ** -30 });
    expect(stopped.smallest).toBe(2 ** -30);
    expect(stopped.tolerance).toBeGreaterThan(0.1 * Math.abs(truth));
    expect(Math.abs(1.01 * truth - stopped.value)).toBeLessThan(stopped.tolerance);
  });

  test('an oscillation far beyond the steps goes no further than 2^-30: its quotients move at random, and do not converge', () => {
    for (const x of [0.3, 1.1, 2.7]) {
      const c = counted((t) => of(Math.sin(1e12 * (x + t))));
      differentiate(c.phi, of(Math.sin(1e12 * x)), LADDER, EPS, sizes(1));
      expect(Math.min(...c.steps.filter((t) => t > 0))).toBeGreaterThanOrEqual((9 / 16) * 2 ** -30);
    }
  });

  test('a resolvable oscillation is resolved at small steps by both runs', () => {
    const x = 0.3;
    const d = differentiate((t) => of(Math.sin(1e6 * (x + t))), of(Math.sin(1e6 * x)), LADDER, EPS, sizes(1))!;
    const truth = 1e6 * Math.cos(1e6 * x);
    expect(Math.abs(d.central.value[0]! - truth)).toBeLessThan(1e-6 * Math.abs(truth));
    expect(d.central.error[0]!).toBeLessThan(1e-6 * Math.abs(truth));
  });
});

describe('a jump', () => {
  // 1 + 2t to the right of 0 (φ(0) = 1), 3t to the left: the value jumps by 1, the slopes are 2 and 3
  const step = (t: number) => of(t >= 0 ? 1 + 2 * t : 3 * t);

  test('is measured at the smallest steps, with the slopes on either side, which the quotients through φ(0) cannot give', () => {
    const d = differentiate(step, of(1), LADDER, EPS, sizes(1))!;
    expect(d.jump.value[0]).toBeCloseTo(1, 12);
    expect(d.jump.error[0]).toBeLessThan(1e-12);
    expect(d.beside.right.value[0]).toBeCloseTo(2, 6);
    expect(d.beside.left.value[0]).toBeCloseTo(3, 6);
    // the quotients through φ(0) grow as 1/h on the side it jumps from: nothing settles them
    expect(d.left.error[0]!).toBeGreaterThan(1);
  });

  test('a continuous φ has none, and noise in φ(0) alone is no jump', () => {
    const smooth = differentiate((t) => of(Math.sin(t) + 2), of(2), LADDER, EPS, sizes(1))!.jump;
    expect(Math.abs(smooth.value[0]!)).toBeLessThanOrEqual(16 * smooth.error[0]!);
    const d = differentiate((t) => of(t === 0 ? 5 : 3 * t), of(5), LADDER, EPS, sizes(1))!;
    expect(d.jump.value[0]).toBe(0);
    expect(d.central.value[0]).toBeCloseTo(3, 12);
  });

  test('a change of curvature a few steps away extrapolates to no jump', () => {
    // Huber-like: quadratic within 2^-9 of 0, linear beyond it
    const huber = (t: number) => of(Math.abs(t) <= 2 ** -9 ? t * t / 2 + t : Math.abs(t) * 2 ** -9 - 2 ** -19 + t);
    const d = differentiate(huber, of(0), LADDER, EPS, sizes(1))!;
    expect(Math.abs(d.jump.value[0]!)).toBeLessThan(1e-12);
  });
});

describe('the rounding read off the samples', () => {
  test('with fewer than four step sizes it is a value’s own rounding, ε·|φ(0)|, and a linear φ settles on it', () => {
    const c = counted((t) => of(8 + t, -2 - t));
    expect([...differentiate(c.phi, of(8, -2), at(2), EPS, sizes(1))!.rounding]).toEqual([8 * EPS, 2 * EPS]);
    expect(c.calls()).toBe(4);
  });

  test('fourth differences cancel a smooth part in t⁴ and a kink’s part in |t|: what is left is rounding', () => {
    // thirds, so that the values share no coarse grid (see the next test)
    expect(differentiate((t) => of(t ** 4 / 3 + Math.abs(t) / 3), of(0), LADDER, EPS, sizes(1e6))!.rounding[0]).toBeLessThan(1e-18);
  });

  test('values that all lie on a grid coarser than their own last place round by a step of it', () => {
    // lse − logit of a confident logit: a tiny value rounded to the last place of 25 (2^-48)
    const lse = (t: number) => of(25 + t + Math.log1p(Math.exp(-25 - t)) - (25 + t));
    const d = differentiate(lse, lse(0), LADDER, EPS, sizes(25))!;
    expect(d.rounding[0]).toBe(2 ** -48);
    // believed only up to 4ε·max(|φ(0)|, largest input)
    expect(differentiate(lse, lse(0), LADDER, EPS, sizes(1))!.rounding[0]).toBe(4 * EPS);
  });

  test('a staircase is read off at the smallest step, up to rounding of the size of the inputs', () => {
    // a step of 2^-48 in φ at the smallest step 2^-10 only: Δ⁴ = −4·2^-48, read as 4·2^-48 / 25.5
    // (on a slope of a third, so that the values lie on no coarse grid)
    const stair = (t: number) => of(t / 3 + (t === 2 ** -10 ? 2 ** -48 : 0));
    expect(differentiate(stair, of(0), LADDER, EPS, sizes(2))!.rounding[0]).toBe(2 ** -46 / 25.5);
    // believed only up to 4ε·max(|φ(0)|, largest input)
    expect(differentiate(stair, of(0), LADDER, EPS, sizes(0.5))!.rounding[0]).toBe(4 * EPS * 0.5);
  });
});

describe('a long sum’s rounding, measured (Sizes.measured)', () => {
  // φ = 1000 + t/2 + 3t² + t³ plus noise of σ = 2e-11 (180 units in the last place of 1000, a sum
  // of 10⁵ terms rounds so): each step's value drawn once, from a seed that GRADPROP_SEED moves
  const SIGMA = 2e-11;
  const seed = Number(process.env.GRADPROP_SEED ?? 11);
  const noisySum = (draw: number): Sampler => {
    const rng = new Rng(seed * 16 + draw);
    const drawn = new Map<number, number>();
    return (t) => {
      if (!drawn.has(t)) drawn.set(t, SIGMA * rng.normal());
      return of(1000 + t / 2 + 3 * t * t + t ** 3 + drawn.get(t)!);
    };
  };
  const draws = Array.from({ length: 8 }, (_, k) => k);
  const taken = (phi: Sampler, measured: number) => {
    const c = counted(phi);
    const d = differentiate(c.phi, c.phi(0)!, LADDER, EPS, sizes(1, measured))!;
    return { d, calls: c.calls() - 1 };
  };

  test('its steps settle where the noise measured bounds its rounding (3σ, or what the staircase bears out), crisp on the first run — and, not measured, they halve to the smallest', () => {
    let crisp = 0;
    for (const draw of draws) {
      const { d, calls } = taken(noisySum(draw), SIGMA / 1000);
      expect(calls, `draw ${draw}, seed ${seed}`).toBeLessThanOrEqual(24);
      // settled on time within a few times such rounding (see Derivatives.summed): no second run
      if (d.crisp && calls === 8) crisp++;
      // 3σ at most, eight times what the staircase reads if that is less, and never below one rounding (4ε·1000)
      expect(d.rounding[0]).toBeLessThanOrEqual(3 * SIGMA * (1 + 1e-12));
      expect(d.rounding[0]! / (4 * EPS * 1000)).toBeGreaterThan(1 - 1e-9);
    }
    expect(crisp, `seed ${seed}`).toBeGreaterThanOrEqual(draws.length / 2);
    // the twin: rounding believed only up to 4ε·|φ(0)|, the one-sided slopes never settle on it
    const unmeasured = draws.map((draw) => taken(noisySum(draw), 0));
    for (const { d } of unmeasured) expect(d.rounding[0]! / (4 * EPS * 1000)).toBeCloseTo(1, 9);
    expect(unmeasured.filter(({ calls }) => calls >= 48).length, `seed ${seed}`).toBeGreaterThanOrEqual(draws.length / 2);
  });

  test('measured noise is believed only as far as the staircase shows it (8 readings at most: curvature read as noise), and only where it is more than one rounding', () => {
    for (const draw of draws) {
      const { d } = taken(noisySum(draw), 1e-6);
      expect(d.rounding[0]! / (4 * EPS * 1000)).toBeGreaterThan(1 - 1e-9);
      expect(d.rounding[0]).toBeLessThan(100 * SIGMA);
    }
    // a φ rounded once shows no staircase beyond one rounding: what was measured plays no part
    const smooth = (t: number) => of(1000 + t / 2 + 3 * t * t + t ** 3);
    expect(taken(smooth, 1e-6).d).toEqual(taken(smooth, 0).d);
    // a staircase within one rounding (a step of 2^-48 at one step, read as about 2^-46/25.5, below
    // 4ε·2) stands as read where the forward was measured no noisier than one rounding (3σ = 7.5ε < 4ε·2);
    // measured noisier, it is taken as the noise of many roundings, 8 times the reading
    const stair = (t: number) => of(1 + t / 3 + (t === 2 ** -10 ? 2 ** -48 : 0));
    const rounding = (measured: number) => differentiate(stair, stair(0)!, LADDER, EPS, sizes(2, measured))!.rounding[0]!;
    expect(rounding(0)).toBeGreaterThan(EPS);
    expect(rounding(2.5 * EPS)).toBe(rounding(0));
    expect(rounding(1e-6)).toBe(8 * rounding(0));
  });
});

describe('a projection’s rounding (Sizes.projections)', () => {
  // φ = ⟨v, f⟩ whose terms, 1e3 in all, cancel to a value near 0.25: it rounds as its terms do
  const phi = (t: number) => of(0.25 + t / 3);
  const projections = (terms: number) => ({ terms: of(terms), spread: of(terms / 8), weight: of(1000) });

  test('is at least a rounding of its terms, ε·Σ|v_i·f_i|, however small its value — the twin, read as an output entry, is one of its value', () => {
    const asProjection = differentiate(phi, phi(0)!, LADDER, EPS, { ...sizes(1), projections: projections(1e3) })!;
    expect(asProjection.rounding[0]).toBeGreaterThanOrEqual(EPS * 1e3);
    const asEntry = differentiate(phi, phi(0)!, LADDER, EPS, sizes(1))!;
    expect(asEntry.rounding[0]).toBeLessThan(EPS * 1e3 * 2 ** -10);
  });

  test('its measured noise is the root-sum-square of its terms’ shares (spread), not its value’s', () => {
    // a staircase of 2^-40 at one step: more than any one rounding of φ, within what was measured of 8 terms' noise
    const stair = (t: number) => of(0.25 + t / 3 + (t === 2 ** -10 ? 2 ** -40 : 0));
    const read = (spread: number) => differentiate(stair, stair(0)!, LADDER, EPS, { ...sizes(1, 1e-12), projections: { terms: of(1), spread: of(spread), weight: of(1) } })!.rounding[0]!;
    expect(read(1e3)).toBeGreaterThan(read(1e-3));
  });
});

describe('near overflow', () => {
  test('values near the largest double are differenced without overflowing: x² at 2^511', () => {
    const [x, d1] = [2 ** 511 * 1.3, 2 ** 500];
    const d = differentiate((t) => of((x + t * d1) ** 2), of(x * x), LADDER, EPS, sizes(x))!;
    const truth = 2 * x * d1;
    expect(Math.abs(d.central.value[0]! - truth) / truth).toBeLessThan(1e-9);
    expect(Number.isFinite(d.rounding[0]!)).toBe(true);
  });
});

describe('lowestBit, the largest power of two dividing a double (the grid a value lies on)', () => {
  test.each([
    [1, 1],
    [3, 1],
    [6, 2],
    [0.75, 0.25],
    [2 ** 1023 * 1.5, 2 ** 1022],
    [2 ** -1022, 2 ** -1022],
    [2 ** -1074, 2 ** -1074],
    [3 * 2 ** -1074, 2 ** -1074],
    [2 ** -1040, 2 ** -1040],
    [1 + 2 ** -52, 2 ** -52],
    [Number.MAX_VALUE, 2 ** 971],
  ])('%s → %s', (x, bit) => {
    expect(lowestBit(x)).toBe(bit);
  });
});
