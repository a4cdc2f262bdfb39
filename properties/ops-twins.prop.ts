import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type AnyOp,
  type Op,
  type OpSpec,
  abs,
  add,
  crossEntropy,
  defineOp,
  exp,
  gather,
  logSoftmax,
  matmul,
  mean,
  mse,
  mul,
  neg,
  softmax,
  sum,
  tanh,
  unbroadcast,
} from '../src/ops/index.js';
import { Tensor } from '../src/tensor/index.js';
import { type Law, gradientsMatchFiniteDifferences, isPure, jvpMatchesVjp, vjpIsLinear } from '../src/laws/index.js';

/**
 * Each law must be able to fail: here are broken twins of registered ops (same forward, one
 * deliberate slip in a rule, never registered) and the law that has to catch each of them.
 */
function twin<N extends number, A>(op: Op<N, A>, slip: string, rules: Partial<Pick<OpSpec<N, A, any[]>, 'vjp' | 'jvp'>>): AnyOp {
  return defineOp({ ...op.spec, ...rules, name: `${op.name} (${slip})`, register: false });
}

const fullMode = (broken: AnyOp): Law => gradientsMatchFiniteDifferences(broken, undefined, { mode: 'full' });

const twins: [law: (broken: AnyOp) => Law, broken: AnyOp][] = [
  [fullMode, twin(tanh, 'sign flipped', { vjp: (x, y, g, a) => tanh.vjp(x, y, g, a).map((p) => p && neg(p)) })],
  [fullMode, twin(add, 'broadcast reduction dropped', { vjp: (_x, _y, g) => [g, g] })],
  [fullMode, twin(matmul, 'transpose dropped', { vjp: ([a, b], _y, g) => [unbroadcast(matmul(g, b), a.shape), matmul.vjp([a, b], _y, g, undefined)[1]!] })],
  [fullMode, twin(softmax, 'Σ g·y term dropped', { vjp: (_x, y, g) => [mul(y, g)] })],
  [fullMode, twin(logSoftmax, 'softmax term dropped', { vjp: (_x, _y, g) => [g] })],
  [fullMode, twin(gather, 'scatter overwrites instead of adding', {
    vjp: ([table, ids], _y, g) => {
      const out = new Float64Array(table.size);
      const row = table.size / table.shape[0]!;
      for (let i = 0; i < ids.size; i++) out.set(g.data.subarray(i * row, (i + 1) * row), ids.data[i]! * row);
      return [new Tensor(out, table.shape), null];
    },
  })],
  [fullMode, twin(mean, '1/n dropped', { vjp: (x, y, g, a) => sum.vjp(x, y, g, a) })],
  [fullMode, twin(crossEntropy, 'batch mean dropped', {
    vjp: (inputs, y, g, a) => {
      const count = inputs[1].size;
      return crossEntropy.vjp(inputs, y, g, a).map((p) => p && mul(p, new Tensor(Float64Array.of(count), [])));
    },
  })],
  [jvpMatchesVjp, twin(exp, 'jvp sign flipped', { jvp: (x, y, t, a) => neg(exp.jvp(x, y, t, a)) })],
  // The checker's full mode pulls back basis vectors only, where |g| = g: linearity sees this slip.
  [vjpIsLinear, twin(mse, 'uses |g|', { vjp: (x, y, g, a) => mse.vjp(x, y, abs(g), a) })],
  [isPure, twin(neg, 'negates the cotangent in place', {
    vjp: (_x, _y, g) => {
      for (let i = 0; i < g.size; i++) g.data[i] = -g.data[i]!;
      return [g];
    },
  })],
];

const cases = twins.map(([law, broken]) => {
  const property = law(broken);
  return [broken.name, property.law, property] as const;
});

describe.each(cases)('%s is caught by %s', (name, lawName, law) => {
  test('a counterexample is found', () => {
    const result = fc.check(law, { numRuns: 100 });
    expect(result.failed, `${name} passed ${lawName} ${result.numRuns} times`).toBe(true);
  });
});
