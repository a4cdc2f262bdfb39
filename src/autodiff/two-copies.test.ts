import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { tensorOf } from '../arbitraries/index.js';
import { checkGradients } from '../check/index.js';
import { mul, opTarget, registry, sum, tanh } from '../ops/index.js';
import { Tensor } from '../tensor/index.js';
import { grad } from './index.js';

/**
 * A second copy of the ops and their engine, evaluated afresh with state of its own: what a process
 * holds when it loads gradprop twice — and what a vitest worker that runs files without isolation
 * held when one file registered src/'s matcher and a later one checked an op built from dist/.
 * (In the shared vitest project, the files after this one in its worker load src/ afresh too.)
 */
vi.resetModules();
const other = await import('../ops/index.js');
const otherEngine = await import('./index.js');

/** d/dx Σ x·tanh(x) = tanh(x) + x·(1 − tanh²(x)), entry by entry. */
const derivative = (x: Tensor) => [...x.data].map((v) => Math.tanh(v) + v * (1 - Math.tanh(v) ** 2));
const inputs = tensorOf([4], { min: -2, max: 2 });

/** softplus whose derivative σ is computed by `logistic`, an op of the other copy (examples/softplus.ts). */
const softplusWith = (name: string, logistic: (x: Tensor) => Tensor) =>
  other.defineOp({
    name,
    arity: 1,
    forward: ([x]) => new Tensor(x.data.map((v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)))), x.shape),
    vjp: ([x], _y, g) => [other.mul(g, logistic(x))],
    jvp: ([x], _y, [t]) => other.mul(t, logistic(x)),
    domain: { sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), { min: -4, max: 4 })], attrs: undefined }) },
    register: false,
  });

describe('two copies of gradprop in one process share one engine trace', () => {
  test('the copy is a copy: ops, registry and engine of its own', () => {
    expect(other.mul).not.toBe(mul);
    expect(other.registry).not.toBe(registry);
    expect(otherEngine.grad).not.toBe(grad);
  });

  test("an op of one copy is differentiated under the other's grad, both ways", () => {
    fc.assert(
      fc.property(inputs, (x) => {
        const ours = grad((t: Tensor) => sum(other.mul(t, other.tanh(t))))(x);
        const theirs = otherEngine.grad((t: Tensor) => other.sum(mul(t, tanh(t))))(x);
        derivative(x).forEach((d, i) => {
          expect(ours.data[i]).toBeCloseTo(d, 12);
          expect(theirs.data[i]).toBeCloseTo(d, 12);
        });
      }),
    );
  });

  test("an op of the other copy checked at order 2 by this copy's checker: its rule built from ops passes, a wrong σ′ fails", () => {
    fc.assert(
      fc.property(inputs, (x) => {
        expect(checkGradients(opTarget(softplusWith('softplus', other.sigmoid)), [x], { order: 2 }).ok).toBe(true);
        // the twin: σ′ taken as 1 − σ² (tanh's), wrong only at second order
        const one = new Tensor(Float64Array.of(1), []);
        const slip = other.defineOp({
          name: 'logistic',
          arity: 1,
          forward: ([t]) => new Tensor(t.data.map((v) => 1 / (1 + Math.exp(-v))), t.shape),
          vjp: (_t, y, g) => [other.mul(g, other.sub(one, other.square(y)))],
          jvp: (_t, y, [t]) => other.mul(t, other.sub(one, other.square(y))),
          domain: { sample: (draw) => ({ inputs: [draw.tensor(draw.shape())], attrs: undefined }) },
          register: false,
        });
        const report = checkGradients(opTarget(softplusWith('softplus (σ′ taken as 1 − σ²)', slip)), [x], { order: 2 });
        expect([report.verdict, report.order]).toEqual(['fail', 2]);
      }),
      { numRuns: 20 },
    );
  });
});
