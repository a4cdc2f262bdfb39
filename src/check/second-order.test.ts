import { describe, expect, test } from 'vitest';
import { Tensor, tensor } from '../tensor/index.js';
import { type Differentiable, checkGradients } from './index.js';

const map = (t: Tensor, f: (v: number, i: number) => number) => new Tensor(t.data.map(f), t.shape);

/**
 * sin, elementwise, with its second order written by hand the way a user would: the vjp g·cos(x)
 * as a function of [x, g] (output: that gradient, flattened), whose own vjp for a cotangent w is
 * [−w·g·sin(x), w·cos(x)] and whose jvp along [tx, tg] is −tx·g·sin(x) + tg·cos(x).
 */
function sine(secondOrder: { dx?: number; dg?: number; jvp?: number } = {}): Differentiable {
  const { dx = 1, dg = 1, jvp = 1 } = secondOrder;
  return {
    name: 'sin',
    forward: ([x]) => map(x!, Math.sin),
    vjp: ([x], g) => [map(x!, (v, i) => g.data[i]! * Math.cos(v))],
    vjpTarget: () => ({
      name: 'vjp of sin',
      forward: ([x, g]) => new Tensor(x!.data.map((v, i) => g!.data[i]! * Math.cos(v)), [x!.size]),
      vjp: ([x, g], w) => [
        map(x!, (v, i) => -dx * w.data[i]! * g!.data[i]! * Math.sin(v)),
        map(g!, (_, i) => dg * w.data[i]! * Math.cos(x!.data[i]!)),
      ],
      jvp: ([x, g], [tx, tg]) => new Tensor(x!.data.map((v, i) => jvp * (-tx!.data[i]! * g!.data[i]! * Math.sin(v) + tg!.data[i]! * Math.cos(v))), [x!.size]),
    }),
  };
}

const x = tensor([0.3, -1.2, 2, 0.8]);

describe('checkGradients with { order: 2 }', () => {
  test('a right second-order rule passes, and the report says it checked order 2', () => {
    const report = checkGradients(sine(), [x], { order: 2 });
    expect(report.verdict).toBe('pass');
    expect(report.order).toBe(2);
    expect(report.message).toMatch(/^sin: second order \(the vjp as a function of the inputs and the cotangent, which is input 1\): \d+ comparisons agree/);
    expect(report.evaluations.secondOrder).toBeGreaterThan(0);
  });

  test('order 1 checks the first order only, and says nothing of orders', () => {
    const report = checkGradients(sine({ dx: -1 }), [x], { order: 1 });
    expect(report.verdict).toBe('pass');
    expect(report.order).toBeUndefined();
  });

  test.each([
    ['its derivative in x has the wrong sign', { dx: -1 }, 0],
    ['its derivative in the cotangent is 1% off', { dg: 1.01 }, 1],
  ])('broken twin: a second-order rule where %s fails, naming second order and the entry', (_slip, secondOrder, input) => {
    const report = checkGradients(sine(secondOrder), [x], { order: 2 });
    expect(report.verdict).toBe('fail');
    expect(report.order).toBe(2);
    expect(report.message).toMatch(/^sin: second order \(.*\): vjp wrong at input \d/);
    expect(report.worst?.input).toBe(input);
    expect(report.mismatches.filter((c) => c.input === input && c.quantity === 'vjp').length).toBe(x.size);
  });

  test('broken twin: a wrong forward over reverse (the second order\'s jvp) fails', () => {
    const report = checkGradients(sine({ jvp: 1.1 }), [x], { order: 2 });
    expect(report.verdict).toBe('fail');
    expect(report.worst?.quantity).toBe('jvp');
  });

  test('a first order that fails is reported as such, and the second is not checked', () => {
    const wrong = { ...sine(), vjp: ([x]: readonly Tensor[], g: Tensor) => [map(x!, (v, i) => 1.1 * g.data[i]! * Math.cos(v))] };
    const report = checkGradients(wrong, [x], { order: 2 });
    expect(report.verdict).toBe('fail');
    expect(report.order).toBe(1);
    expect(report.message).toMatch(/^sin: first order: vjp wrong at input 0/);
    expect(report.evaluations.secondOrder).toBeUndefined();
  });

  test('a target without a second-order rule is an error that says what to give it', () => {
    const { vjpTarget: _, ...plain } = sine();
    const report = checkGradients(plain, [x], { order: 2 });
    expect(report).toMatchObject({ verdict: 'error', ok: false, order: 2, problem: 'no-second-order' });
    expect(report.message).toMatch(/^sin: no second-order rule to check — a Differentiable checked at order 2 needs vjpTarget\(\)/);
  });

  test('a vjpTarget that throws or returns something else is an error naming it', () => {
    const throws = checkGradients({ ...sine(), vjpTarget: () => { throw new Error('not today'); } }, [x], { order: 2 });
    expect(throws.message).toBe('sin: vjpTarget() threw Error: not today');
    const other = checkGradients({ ...sine(), vjpTarget: () => 3 as unknown as Differentiable }, [x], { order: 2 });
    expect(other.message).toBe('sin: vjpTarget() must return a Differentiable ({ name, forward, vjp }), got number 3');
    const hostile = checkGradients({ ...sine(), vjpTarget: () => new Proxy({}, { get: () => { throw new Error('trap'); } }) as Differentiable }, [x], { order: 2 });
    expect(hostile.message).toBe('sin: reading what vjpTarget() returned threw Error: trap');
    expect([throws.verdict, other.verdict, hostile.verdict]).toEqual(['error', 'error', 'error']);
  });

  test('a forward that throws once the first order is done is an error naming it, not an exception', () => {
    const base = sine();
    let calls = 0;
    const counted: Differentiable = { ...base, forward: (xs) => (calls++, base.forward(xs)) };
    expect(checkGradients(counted, [x]).verdict).toBe('pass');
    const firstOrderCalls = calls;
    calls = 0;
    const tired: Differentiable = {
      ...base,
      forward: (xs) => {
        if (++calls > firstOrderCalls) throw new RangeError('tired');
        return base.forward(xs);
      },
    };
    const report = checkGradients(tired, [x], { order: 2 });
    expect(report).toMatchObject({ verdict: 'error', order: 2, problem: 'throws' });
    expect(report.message).toMatch(/^sin: forward threw RangeError: tired/);
  });

  test('an order other than 1 or 2 is an error of the options', () => {
    const report = checkGradients(sine(), [x], { order: 3 as 2 });
    expect(report).toMatchObject({ verdict: 'error', problem: 'bad-options' });
    expect(report.message).toBe('sin: option order must be 1 or 2, got number 3');
  });
});
