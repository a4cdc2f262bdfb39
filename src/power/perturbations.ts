import type { Differentiable } from '../check/index.js';
import { type Rng, Tensor, shapesEqual, sizeOf } from '../tensor/index.js';

/**
 * A bug planted in a target's own vjp. `plant` returns the target with the bug, for one case, or
 * null where the case offers no place for it (no square gradient, no repeated id).
 */
export interface Perturbation {
  name: string;
  description: string;
  /** The target with this bug in its vjp at these inputs, or null where it cannot be planted (no square gradient, no repeated id…). */
  plant(target: Differentiable, inputs: readonly Tensor[], rng: Rng): Differentiable | null;
}

/**
 * The target with another vjp. The jvp is left out: a slip in a derivative formula usually shows in
 * both rules alike, so only finite differences may be credited with catching it, not duality.
 */
function withVjp(target: Differentiable, label: string, vjp: Differentiable['vjp']): Differentiable {
  return {
    name: `${target.name} [${label}]`,
    forward: (inputs) => target.forward(inputs),
    vjp,
    ...(target.nondifferentiable ? { nondifferentiable: target.nondifferentiable } : {}),
  };
}

function differentiable(target: Differentiable, inputs: readonly Tensor[]): number[] {
  return inputs.map((_, k) => k).filter((k) => !target.nondifferentiable?.includes(k) && inputs[k]!.size > 0);
}

function replaced(grads: readonly Tensor[], k: number, by: (g: Tensor) => Tensor): Tensor[] {
  return grads.map((g, j) => (j === k ? by(g) : g));
}

/** One entry of one gradient changed; the entry is drawn uniformly over every differentiable entry. */
function oneEntry(name: string, description: string, change: (value: number) => number): Perturbation {
  return {
    name,
    description,
    plant(target, inputs, rng) {
      const ks = differentiable(target, inputs);
      let at = rng.int(0, ks.reduce((n, k) => n + inputs[k]!.size, 0));
      const k = ks.find((j) => (at -= inputs[j]!.size) < 0);
      if (k === undefined) return null;
      const i = at + inputs[k]!.size;
      return withVjp(target, name, (xs, g) => replaced(target.vjp(xs, g), k, (t) => new Tensor(t.data.map((v, j) => (j === i ? change(v) : v)), t.shape)));
    },
  };
}

export function scaleEntry(delta: number): Perturbation {
  const size = delta.toExponential();
  return oneEntry(`scale ${size}`, `one gradient entry multiplied by 1 + ${size}: a small relative error in a single entry`, (v) => v * (1 + delta));
}

export const flipSign = oneEntry('flip sign', 'one gradient entry with its sign flipped', (v) => -v);

export const zeroEntry = oneEntry('zero entry', 'one gradient entry set to 0: a term left out', () => 0);

export const swapGradients: Perturbation = {
  name: 'swap gradients',
  description: 'the gradients of two inputs of the same shape swapped',
  plant(target, inputs) {
    const ks = differentiable(target, inputs);
    for (const k of ks) {
      const l = ks.find((j) => j > k && shapesEqual(inputs[j]!.shape, inputs[k]!.shape));
      if (l !== undefined) return withVjp(target, 'swap gradients', (xs, g) => target.vjp(xs, g).map((t, j, grads) => (j === k ? grads[l]! : j === l ? grads[k]! : t)));
    }
    return null;
  },
};

export const transposeSquare: Perturbation = {
  name: 'transpose',
  description: 'a square gradient transposed (its last two axes): a transpose missing where the shapes cannot tell',
  plant(target, inputs) {
    const k = differentiable(target, inputs).find((j) => {
      const s = inputs[j]!.shape;
      return s.length >= 2 && s.at(-1)! >= 2 && s.at(-1) === s.at(-2);
    });
    return k === undefined ? null : withVjp(target, 'transpose', (xs, g) => replaced(target.vjp(xs, g), k, transposeLast));
  },
};

function transposeLast(t: Tensor): Tensor {
  const n = t.shape.at(-1)!;
  const out = new Float64Array(t.size);
  for (let i = 0; i < t.size; i++) {
    const base = i - (i % (n * n));
    const [r, c] = [Math.floor((i % (n * n)) / n), i % n];
    out[base + c * n + r] = t.data[i]!;
  }
  return new Tensor(out, t.shape);
}

/**
 * Repeated ids with assignment for accumulation: the rows of the output that an id input indexes
 * (its shape leads the output's, as in an embedding lookup) keep only the last occurrence of each
 * id, as `dE[ids] = g` does. Needs an integer input that repeats a value.
 */
export const dropAccumulation: Perturbation = {
  name: 'drop accumulation',
  description: 'a repeated id receives only its last occurrence’s gradient (assignment for +=), as in an embedding backward written dE[ids] = g',
  plant(target, inputs) {
    const outputShape = target.forward(inputs).shape;
    const j = (target.nondifferentiable ?? []).find((k) => {
      const ids = inputs[k];
      return ids !== undefined && ids.data.every(Number.isInteger) && new Set(ids.data).size < ids.size &&
        ids.rank <= outputShape.length && shapesEqual(outputShape.slice(0, ids.rank), ids.shape);
    });
    if (j === undefined) return null;
    const ids = inputs[j]!.data;
    const rowSize = sizeOf(outputShape.slice(inputs[j]!.rank));
    const kept = ids.map((id, i) => Number(ids.lastIndexOf(id) === i));
    return withVjp(target, 'drop accumulation', (xs, g) => target.vjp(xs, new Tensor(g.data.map((v, i) => v * kept[Math.floor(i / rowSize)]!), g.shape)));
  },
};

/** Every planted bug checkPower tries, with one-entry scalings by 1 + δ for each of `scales`. */
export function perturbations(scales: readonly number[]): Perturbation[] {
  return [...scales.map(scaleEntry), flipSign, zeroEntry, swapGradients, transposeSquare, dropAccumulation];
}
