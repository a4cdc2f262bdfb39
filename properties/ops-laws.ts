import fc from 'fast-check';
import { opInputs } from '../src/arbitraries/index.js';
import { checkGradients, formatReport } from '../src/check/index.js';
import { type AnyOp, opTarget } from '../src/ops/index.js';
import { Rng, Tensor, randn, zeros } from '../src/tensor/index.js';

/**
 * The laws every op obeys, as fast-check properties over the op's own domain. They take the op as
 * a parameter so that a deliberately broken twin can be run through the very same law.
 */

interface OpCase {
  inputs: Tensor[];
  attrs: unknown;
  /** Seeds the checker's probes and the random directions u and v. */
  seed: number;
}

function opCases(op: AnyOp): fc.Arbitrary<OpCase> {
  return fc.record({ call: opInputs(op.domain), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }).map(({ call, seed }) => ({ ...call, seed }));
}

/** A random tangent per input; zeros for inputs that take no gradient (ids, targets). */
function directions(op: AnyOp, inputs: readonly Tensor[], seed: number): Tensor[] {
  const fixed = op.domain.nondifferentiable ?? [];
  return inputs.map((x, i) => (fixed.includes(i) ? zeros(x.shape) : randn(x.shape, seed + 1 + i)));
}

function dot(a: Tensor, b: Tensor): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  for (let i = 0; i < a.size; i++) {
    value += a.data[i]! * b.data[i]!;
    scale += Math.abs(a.data[i]! * b.data[i]!);
  }
  return { value, scale };
}

/** Rounding in sums of this many terms stays far below this, and a wrong rule lands far above it. */
const ROUNDING = 1e-10;

/** vjp and jvp against central differences, every entry (full mode). A kink is allowed where the domain declares one. */
export function gradientsMatchDifferences(op: AnyOp): fc.IPropertyWithHooks<[OpCase]> {
  const allowed = op.domain.kinks?.length ? ['pass', 'nonsmooth'] : ['pass'];
  return fc.property(opCases(op), ({ inputs, attrs, seed }) => {
    const report = checkGradients(opTarget(op, attrs), inputs, { mode: 'full', seed });
    if (!allowed.includes(report.verdict)) throw new Error(formatReport(report));
  });
}

/** ⟨v, J u⟩ computed by jvp equals ⟨Jᵀ v, u⟩ computed by vjp, for random u and v. */
export function jvpVjpDuality(op: AnyOp): fc.IPropertyWithHooks<[OpCase]> {
  return fc.property(opCases(op), ({ inputs, attrs, seed }) => {
    const target = opTarget(op, attrs);
    const output = target.forward(inputs);
    const u = directions(op, inputs, seed);
    const v = randn(output.shape, seed);
    const forward = dot(v, target.jvp!(inputs, u));
    const pulled = target.vjp(inputs, v).map((g, i) => dot(g, u[i]!));
    const backward = pulled.reduce((total, d) => total + d.value, 0);
    const scale = forward.scale + pulled.reduce((total, d) => total + d.scale, 0);
    if (!(Math.abs(forward.value - backward) <= ROUNDING * (scale + 1e-300))) {
      throw new Error(`${target.name}: ⟨v, J u⟩ = ${forward.value} by jvp but ${backward} by vjp`);
    }
  });
}

/** vjp(a v1 + b v2) = a vjp(v1) + b vjp(v2): a backward that is not linear in its cotangent is wrong. */
export function vjpIsLinear(op: AnyOp): fc.IPropertyWithHooks<[OpCase]> {
  return fc.property(opCases(op), ({ inputs, attrs, seed }) => {
    const rng = new Rng(seed);
    const [a, b] = [rng.uniform(-3, 3), rng.uniform(-3, 3)];
    const target = opTarget(op, attrs);
    const shape = target.forward(inputs).shape;
    const [v1, v2] = [randn(shape, seed), randn(shape, seed + 1)];
    const combined = v1.data.map((x, i) => a * x + b * v2.data[i]!);
    const together = target.vjp(inputs, new Tensor(combined, shape));
    const [g1, g2] = [target.vjp(inputs, v1), target.vjp(inputs, v2)];
    together.forEach((g, k) => {
      g.data.forEach((x, i) => {
        const [p, q] = [a * g1[k]!.data[i]!, b * g2[k]!.data[i]!];
        if (!(Math.abs(x - (p + q)) <= ROUNDING * (Math.abs(p) + Math.abs(q) + Math.abs(x)) + 1e-300)) {
          throw new Error(`${target.name}: vjp is not linear in the cotangent at input ${k}, flat index ${i}: ${x} ≠ ${p} + ${q}`);
        }
      });
    });
  });
}

/** forward, vjp and jvp leave their inputs, cotangent and tangents exactly as they were. */
export function leavesArgumentsAlone(op: AnyOp): fc.IPropertyWithHooks<[OpCase]> {
  return fc.property(opCases(op), ({ inputs, attrs, seed }) => {
    const target = opTarget(op, attrs);
    const output = target.forward(inputs);
    const u = directions(op, inputs, seed);
    const v = randn(output.shape, seed);
    const watched = [...inputs, ...u, v];
    const before = watched.map((t) => Float64Array.from(t.data));
    target.vjp(inputs, v);
    target.jvp!(inputs, u);
    target.forward(inputs);
    watched.forEach((t, k) => {
      const i = t.data.findIndex((x, j) => !Object.is(x, before[k]![j]));
      if (i >= 0) throw new Error(`${target.name}: argument ${k} was written at flat index ${i}: ${before[k]![i]} became ${t.data[i]}`);
    });
  });
}

export type OpLaw = (op: AnyOp) => fc.IPropertyWithHooks<[OpCase]>;

export const opLaws: Record<'gradientsMatchDifferences' | 'jvpVjpDuality' | 'vjpIsLinear' | 'leavesArgumentsAlone', OpLaw> = {
  gradientsMatchDifferences,
  jvpVjpDuality,
  vjpIsLinear,
  leavesArgumentsAlone,
};
