import { type Differentiable, randomProbe, roundingTolerance, validated } from '../check/index.js';
import { Rng, Tensor } from '../tensor/index.js';
import type { Case } from './cases.js';
import { defineLaw } from './law.js';
import { fixedInputs } from './probes.js';
import { LawViolation } from './violation.js';

/**
 * The case's vjp as a case of its own: the target's vjpTarget() at [...inputs, v] for a random
 * cotangent v, validated as the case's target is (`target`, see LawBody). Its vjp is the
 * second-order rule: for a cotangent w over the gradients, its parts for the inputs are H w, H the
 * Hessian of ⟨v, f⟩.
 */
export function secondOrderCase(law: string, c: Case, target: Differentiable, rng: Rng): Case {
  if (typeof c.target.vjpTarget !== 'function') {
    throw new LawViolation(law, c, 'the target has no second-order rule (vjpTarget): ops and engine functions have one');
  }
  const inputs = [...c.inputs, randomProbe(rng, target.forward(c.inputs).shape)];
  return { target: validated(c.target.vjpTarget(), inputs.length), inputs };
}

/** H w, for w over the gradients (a vector, as the second order's output is), split by input. */
export function hessianTimes(second: Case, w: Float64Array, inputs: number): Tensor[] {
  return second.target.vjp(second.inputs, new Tensor(w, [w.length])).slice(0, inputs);
}

/** A random vector over the differentiable inputs' entries: what H acts on. */
export function gradientVector(c: Case, rng: Rng): Float64Array {
  const fixed = fixedInputs(c.target);
  return randomProbe(rng, [c.inputs.reduce((n, x, k) => n + (fixed.has(k) ? 0 : x.size), 0)]).data;
}

/** ⟨u, parts⟩ over the differentiable inputs, u flat as the gradients are; and the size of its terms. */
export function flatPairing(target: Differentiable, u: Float64Array, parts: readonly Tensor[]): { value: number; scale: number } {
  const fixed = new Set(target.nondifferentiable ?? []);
  let at = 0;
  let value = 0;
  let scale = 0;
  parts.forEach((part, k) => {
    if (fixed.has(k)) return;
    for (const p of part.data) {
      value += u[at]! * p;
      scale += Math.abs(u[at++]! * p);
    }
  });
  return { value, scale };
}

/**
 * The Hessian is symmetric: ⟨u, H w⟩ = ⟨w, H u⟩ for random u and w, to rounding, H from the target's
 * second-order rule (the Hessian of ⟨v, f⟩ for a random v). A second-order rule that drops a cross
 * term, or has one twice, breaks it.
 */
export const hessianIsSymmetric = defineLaw('hessianIsSymmetric', (c, seed, _options, target) => {
  const law = 'hessianIsSymmetric';
  const rng = new Rng(seed);
  const second = secondOrderCase(law, c, target, rng);
  const [u, w] = [gradientVector(c, rng), gradientVector(c, rng)];
  const uHw = flatPairing(c.target, u, hessianTimes(second, w, c.inputs.length));
  const wHu = flatPairing(c.target, w, hessianTimes(second, u, c.inputs.length));
  const gap = Math.abs(uHw.value - wHu.value);
  const tolerance = roundingTolerance(uHw.scale + wHu.scale);
  if (!(gap <= tolerance)) {
    throw new LawViolation(law, c, `⟨u, H w⟩ = ${uHw.value} but ⟨w, H u⟩ = ${wHu.value} (gap ${gap.toExponential(2)}, rounding allows ${tolerance.toExponential(2)})`);
  }
});

/**
 * The Hessian of the mean softmax cross-entropy in the logits (input 0, [..., C]) is
 * (diag(p) − p pᵀ) / N on each of the N rows, p = softmax(row), and 0 between rows: the
 * second-order rule's H w for a random w, against that closed form (p computed here, in plain
 * arithmetic), entry by entry, to rounding. For any target computing the mean cross-entropy.
 */
export const softmaxCrossEntropyHessian = defineLaw('softmaxCrossEntropyHessian', (c, seed, _options, target) => {
  const law = 'softmaxCrossEntropyHessian';
  const logits = c.inputs[0]!;
  const classes = logits.shape[logits.rank - 1];
  if (classes === undefined || target.forward(c.inputs).size !== 1) {
    throw new LawViolation(law, c, 'needs logits [..., C] as input 0 and a scalar loss');
  }
  const rng = new Rng(seed);
  const second = secondOrderCase(law, c, target, rng);
  const v = second.inputs[c.inputs.length]!.item();
  const w = gradientVector(c, rng);
  const hw = hessianTimes(second, w, c.inputs.length)[0]!;
  const rows = logits.size / classes;
  for (let row = 0; row < rows; row++) {
    const at = row * classes;
    const z = logits.data.subarray(at, at + classes);
    const top = Math.max(...z);
    const e = z.map((x) => Math.exp(x - top));
    const total = e.reduce((s, x) => s + x, 0);
    const p = e.map((x) => x / total);
    let pw = 0;
    let pAbsW = 0;
    p.forEach((pc, k) => {
      pw += pc * w[at + k]!;
      pAbsW += pc * Math.abs(w[at + k]!);
    });
    p.forEach((pi, i) => {
      const expected = (v * pi * (w[at + i]! - pw)) / rows;
      const got = hw.data[at + i]!;
      const tolerance = roundingTolerance(Math.abs(v) * pi * (Math.abs(w[at + i]!) + pAbsW) / rows + Math.abs(got));
      if (!(Math.abs(got - expected) <= tolerance)) {
        throw new LawViolation(law, c, `(H w) at logits flat index ${at + i} is ${got}, but (diag(p) − p pᵀ) w / N gives ${expected} (p = [${[...p].map((x) => x.toPrecision(4)).join(', ')}], N = ${rows})`);
      }
    });
  }
});
