/**
 * Outputs of PROJECTED_FROM entries or more: probes and parts of directions are differenced as
 * projections ⟨v, f⟩ (see context.ts), one value per cotangent a step, and entries as before. Each
 * verdict with its twin: a correct target passes (or is nonsmooth at its kink or jump), a wrong
 * entry beside it is named.
 *
 * Replay: the inputs are drawn from GRADPROP_SEED (default 20201).
 */
import { describe, expect, test } from 'vitest';
import { Rng, Tensor } from '../tensor/index.js';
import { PROJECTED_FROM, compareAlong, fromGradient, newContext, probeDirection } from './context.js';
import { fastProbes, finiteDifferences } from './fast.js';
import { type Differentiable, type GradCheckReport, checkGradients, formatReport } from './index.js';
import { resolveOptions } from './options.js';
import { GuardedTarget } from './target.js';

const seed = Number(process.env.GRADPROP_SEED ?? 20201);
const replay = `GRADPROP_SEED=${seed}`;

/** An elementwise target whose vjp uses `df`, except at entry `wrong` where it is off by 1 + `by`. */
function elementwise(name: string, f: (x: number) => number, df: (x: number) => number, wrong = -1, by = 0): Differentiable {
  return {
    name,
    forward: ([x]) => new Tensor(x!.data.map(f), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v) * g.data[i]! * (i === wrong ? 1 + by : 1)), x!.shape)],
  };
}

/** n entries ±[0.5, 1.5) drawn from the seed, entry `zero` (if any) exactly 0. */
function inputOf(n: number, zero = -1): Tensor {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1) * (0.5 + rng.next()));
  if (zero >= 0) x[zero] = 0;
  return new Tensor(x, [n]);
}

const named = (report: GradCheckReport) => report.mismatches.filter((c) => c.verdict === 'fail' && c.input !== null).map((c) => c.index[0]);
const n = PROJECTED_FROM;
const wrong = Math.floor(n / 3);

describe('which comparisons are differenced as projections', () => {
  const along = (size: number) => {
    const target = new GuardedTarget(elementwise('tanh', Math.tanh, (v) => 1 - Math.tanh(v) ** 2));
    const inputs = [inputOf(size)];
    const output = target.forward(inputs);
    const ctx = newContext(target, inputs, [], output, resolveOptions({ precision: 'float64', seed }, output.data), finiteDifferences);
    expect(fastProbes(ctx), replay).toEqual([]);
    const direction = probeDirection(ctx);
    return { projected: ctx.projected.has(direction), entrywise: ctx.differenced.has(direction) };
  };

  test('the probes of an output of PROJECTED_FROM entries — and, the twin, one entry fewer: every entry', () => {
    expect(along(n)).toEqual({ projected: true, entrywise: false });
    expect(along(n - 1)).toEqual({ projected: false, entrywise: true });
  });

  // what localisation ends with: one input entry's direction, compared on a cotangent
  const alongEntry = (size: number) => {
    const target = new GuardedTarget(elementwise('tanh', Math.tanh, (v) => 1 - Math.tanh(v) ** 2));
    const inputs = [inputOf(size)];
    const output = target.forward(inputs);
    const ctx = newContext(target, inputs, [], output, resolveOptions({ precision: 'float64', seed }, output.data), finiteDifferences);
    const direction = ctx.space.basis(wrong, ctx.rng);
    const cotangent = Float64Array.from(output.data, () => (ctx.rng.next() < 0.5 ? -1 : 1));
    const analytic = fromGradient(ctx, ctx.space.join(target.vjp(inputs, new Tensor(cotangent, output.shape), [0])));
    expect(compareAlong(ctx, direction, cotangent, analytic, { input: 0, index: [wrong], quantity: 'vjp' }).verdict, replay).toBe('agree');
    return { projected: ctx.projected.has(direction), entrywise: ctx.differenced.has(direction) };
  };

  test('an input entry’s comparison on an output of PROJECTED_FROM entries — and, the twin, one entry fewer: every entry', () => {
    expect(alongEntry(n)).toEqual({ projected: true, entrywise: false });
    expect(alongEntry(n - 1)).toEqual({ projected: false, entrywise: true });
  });
});

describe(`verdicts on an elementwise output of ${n} entries`, () => {
  const tanh = (at = -1, by = 0) => elementwise('tanh', Math.tanh, (v) => 1 - Math.tanh(v) ** 2, at, by);

  test('a correct tanh passes; one entry 1e-6 off is named, and only it', () => {
    const right = checkGradients(tanh(), [inputOf(n)], { seed });
    expect(right.verdict, `${replay}\n${formatReport(right)}`).toBe('pass');
    const off = checkGradients(tanh(wrong, 1e-6), [inputOf(n)], { seed });
    expect(off.verdict, `${replay}\n${formatReport(off)}`).toBe('fail');
    expect(named(off)).toEqual([wrong]);
  });

  // relu's kink at an entry exactly 0: the probe crosses it at that entry's weight among n
  const relu = (at = -1, by = 0) => elementwise('relu', (v) => Math.max(v, 0), (v) => (v > 0 ? 1 : 0), at, by);
  test('relu with an entry on its kink is not failed; a wrong entry beside it is named', () => {
    const kink = 17;
    const right = checkGradients(relu(), [inputOf(n, kink)], { seed });
    expect(right.ok, `${replay}\n${formatReport(right)}`).toBe(true);
    const input = inputOf(n, kink);
    const positive = input.data.findIndex((v, i) => v > 0 && i > wrong);
    const off = checkGradients(relu(positive, 1e-4), [input], { seed });
    expect(off.verdict, `${replay}\n${formatReport(off)}`).toBe('fail');
    expect(named(off)).toEqual([positive]);
  });

  // a step at 0 on top of a square: the value jumps at the entry that is 0
  const stepped = (at = -1, by = 0) => elementwise('x² + [x > 0]', (v) => v * v + (v > 0 ? 1 : 0), (v) => 2 * v, at, by);
  test('a jump at one entry is nonsmooth, named with its entry; a wrong entry beside it is named', () => {
    const jump = 5;
    const right = checkGradients(stepped(), [inputOf(n, jump)], { seed });
    expect(right.verdict, `${replay}\n${formatReport(right)}`).toBe('nonsmooth');
    expect(right.mismatches.some((c) => c.input === 0 && c.index[0] === jump && c.jump !== undefined)).toBe(true);
    const off = checkGradients(stepped(wrong, 1e-4), [inputOf(n, jump)], { seed });
    expect(off.verdict, `${replay}\n${formatReport(off)}`).toBe('fail');
    expect(named(off)).toEqual([wrong]);
  });
});
