/**
 * The vanishing (and exploding) gradient problem of the Elman network, after Pascanu, Mikolov &
 * Bengio (2013), "On the difficulty of training recurrent neural networks". With
 * h_t = tanh(We c_t + Wh h_{t−1}),
 *
 *   ∂h_T/∂h_k = ∏_{j=T..k+1} diag(1 − h_j²) Wh,
 *   ‖∂h_T/∂h_k‖ ≤ ∏_{j=k+1..T} max_i(1 − h_{j,i}²) · ‖Wh‖^(T−k)     in any submultiplicative norm,
 *
 * so with ‖Wh‖ < 1 the gradient reaching far-away steps decays geometrically; with a large ‖Wh‖ it
 * can grow instead, and global-norm clipping caps the step without turning it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensorArb, tensorOf, uniformReal } from '../src/arbitraries/index.js';
import { jvp } from '../src/autodiff/index.js';
import { reshape, slice } from '../src/ops/index.js';
import { clipByGlobalNorm, globalNorm, sgd } from '../src/optim/index.js';
import { Tensor, ones, zeros } from '../src/tensor/index.js';
import { type Params, type SequenceBatch, elmanJacobianBound, elmanStates, stateGradients, zoo } from '../src/zoo/index.js';
import { paramsOf, recurrentCases, recurrentConfigs, mustFail } from './zoo-cases.js';

const elman = zoo.elman;

function column(xs: Tensor, t: number): Tensor {
  const D = xs.shape[1]!;
  return reshape(slice(xs, { axis: 0, start: t - 1, end: t }), [D, 1]);
}

/** h_T as a function of h_k: the steps k+1..T, through the engine. */
function fromState(params: Params, xs: Tensor, k: number) {
  return (hk: Tensor): Tensor => {
    let state = [hk];
    for (let t = k + 1; t <= xs.shape[0]!; t++) state = elman.step(params, column(xs, t), state);
    return state[0]!;
  };
}

type Jacobian = (params: Params, xs: Tensor, k: number) => number[][];

/** ∂h_T/∂h_k by the engine's forward mode, one column per basis tangent. */
const engineJacobian: Jacobian = (params, xs, k) => {
  const H = params.Wh!.shape[0]!;
  const hs = elmanStates(params, xs);
  const hk = new Tensor(hs[k]!, [H, 1]);
  const columns = Array.from({ length: H }, (_, j) => {
    const e = zeros([H, 1]);
    e.data[j] = 1;
    return jvp(fromState(params, xs, k), [hk], [e]).tangent.data;
  });
  return Array.from({ length: H }, (_, i) => columns.map((col) => col[i]!));
};

const norm1 = (m: number[][]): number => Math.max(0, ...(m[0] ?? []).map((_, j) => m.reduce((s, row) => s + Math.abs(row[j]!), 0)));
const normInf = (m: number[][]): number => Math.max(0, ...m.map((row) => row.reduce((s, v) => s + Math.abs(v), 0)));
const matrix = (t: Tensor): number[][] => Array.from({ length: t.shape[0]! }, (_, i) => Array.from({ length: t.shape[1]! }, (_, j) => t.get(i, j)));

/** Cases with a step k to look back to, 0 ≤ k < T. */
const lookBack = recurrentCases(elman, { maxSteps: 6 }, { params: { min: -1.5, max: 1.5 } }).chain((c) =>
  fc.record({ c: fc.constant(c), k: fc.integer({ min: 0, max: c.batch.xs.shape[0]! - 1 }) }),
);

function jacobianBound(jacobian: Jacobian) {
  return fc.property(lookBack, ({ c: { params, batch }, k }) => {
    const T = batch.xs.shape[0]!;
    const J = jacobian(params, batch.xs, k);
    const Wh = matrix(params.Wh!);
    for (const [name, norm] of [['1', norm1], ['∞', normInf]] as const) {
      const bound = elmanJacobianBound(params, batch.xs, norm(Wh))[k]!;
      if (!(norm(J) <= bound * (1 + 1e-12) + 1e-300)) {
        throw new Error(`‖∂h_${T}/∂h_${k}‖_${name} = ${norm(J)} exceeds ∏ max(1 − h²) · ‖Wh‖^${T - k} = ${bound}`);
      }
    }
  });
}

describe('the Jacobian ∂h_T/∂h_k', () => {
  test('‖∂h_T/∂h_k‖ ≤ ∏_j max_i(1 − h_{j,i}²) · ‖Wh‖^(T−k) in the 1- and ∞-norms', () => {
    fc.assert(jacobianBound(engineJacobian), { numRuns: 150 });
  });
  test('broken twin: a backward that forgets tanh′ (the Jacobian Wh^(T−k)) breaks the bound', () => {
    const linear: Jacobian = (params, xs, k) => {
      const Wh = matrix(params.Wh!);
      let J: number[][] = Wh.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      for (let t = k + 1; t <= xs.shape[0]!; t++) J = Wh.map((row) => J[0]!.map((_, j) => row.reduce((s, w, l) => s + w * J[l]![j]!, 0)));
      return J;
    };
    mustFail(jacobianBound(linear));
  });
});

type Deltas = (params: Params, batch: SequenceBatch) => number[][];

/** δ_k = ∂L/∂h_k for k = 0..T, by the engine in one backward pass (src/zoo's stateGradients). */
const engineDeltas: Deltas = (params, batch) => stateGradients(elman, params, batch).map((d) => [...d]);

const norm2 = (v: readonly number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Elman cases whose Wh is rescaled to Frobenius norm ρ (so ‖Wh‖₂ ≤ ρ), with ρ drawn from `rho`. */
function scaledWh(rho: fc.Arbitrary<number>, xs = { min: -2, max: 2 }) {
  return fc
    .tuple(recurrentConfigs({ maxSteps: 7, minSteps: 2 }), rho)
    .chain(([config, rho]) => {
      const model = elman.configure(config);
      return fc.record({
        rho: fc.constant(rho),
        params: paramsOf(model, { min: -1.5, max: 1.5 }),
        batch: fc.record({ xs: tensorOf([config.steps, config.input], xs), y: tensorOf([config.output]) }),
      });
    })
    .map(({ rho, params, batch }) => {
      const frobenius = norm2([...params.Wh!.data]);
      const Wh = frobenius === 0 ? params.Wh! : new Tensor(params.Wh!.data.map((w) => (w * rho) / frobenius), params.Wh!.shape);
      return { rho, params: { ...params, Wh }, batch };
    });
}

function decaysGeometrically(cases: ReturnType<typeof scaledWh>, deltas: Deltas = engineDeltas) {
  return fc.property(cases, ({ rho, params, batch }) => {
    const ds = deltas(params, batch);
    const T = ds.length - 1;
    const last = norm2(ds[T]!);
    ds.forEach((d, k) => {
      const bound = rho ** (T - k) * last;
      if (!(norm2(d) <= bound * (1 + 1e-12) + 1e-300)) throw new Error(`‖δ_${k}‖ = ${norm2(d)} > ρ^${T - k}‖δ_${T}‖ = ${bound} (ρ = ${rho})`);
    });
  });
}

describe('the back-propagated gradient δ_k = ∂L/∂h_k', () => {
  test('with ‖Wh‖₂ ≤ ρ < 1 it decays at least geometrically: ‖δ_k‖ ≤ ρ^(T−k)‖δ_T‖', () => {
    fc.assert(decaysGeometrically(scaledWh(uniformReal({ min: 0.05, max: 0.95 }))), { numRuns: 100 });
  });
  test('broken twin: a BPTT loop that accumulates δ (δ_{t−1} = δ_t + Whᵀa_t) instead of replacing it does not decay', () => {
    const accumulates: Deltas = (params, batch) => {
      const ds = engineDeltas(params, batch);
      const hs = elmanStates(params, batch.xs);
      const Wh = params.Wh!;
      const H = Wh.shape[0]!;
      for (let t = ds.length - 1; t > 0; t--) {
        const a = ds[t]!.map((d, i) => d * (1 - hs[t]![i]! ** 2));
        ds[t - 1] = ds[t]!.map((d, j) => d + a.reduce((s, ai, i) => s + Wh.get(i, j) * ai, 0));
      }
      return ds.map((d) => d.slice(0, H));
    };
    mustFail(decaysGeometrically(scaledWh(uniformReal({ min: 0.05, max: 0.95 })), accumulates));
  });

  /**
   * Wh = γQ with Q orthogonal (a Householder reflection) and γ > 1: ‖Whᵀv‖ = γ‖v‖, so
   * ‖δ_{k}‖ ≥ γ · min_i(1 − h_{k+1,i}²) ‖δ_{k+1}‖. With small inputs the states stay small, tanh′
   * stays near 1, and the gradient grows as it goes back: it explodes.
   */
  const growing = fc
    .tuple(recurrentConfigs({ maxSteps: 5, minSteps: 1 }), uniformReal({ min: 1.5, max: 2 }))
    .chain(([config, gamma]) => {
      const model = elman.configure(config);
      const H = config.hidden;
      return fc.record({
        gamma: fc.constant(gamma),
        v: tensorOf([H], { min: -1, max: 1 }),
        params: paramsOf(model, { min: -1, max: 1 }),
        batch: fc.record({ xs: tensorOf([config.steps, config.input], { min: -1e-3, max: 1e-3 }), y: tensorOf([config.output]) }),
      });
    })
    .map(({ gamma, v, params, batch }) => {
      const H = v.size;
      const vv = v.data.reduce((s, x) => s + x * x, 0) || 1;
      const Q = Array.from({ length: H * H }, (_, n) => (Math.floor(n / H) === n % H ? 1 : 0) - (2 * v.data[Math.floor(n / H)]! * v.data[n % H]!) / vv);
      return { gamma, params: { ...params, Wh: new Tensor(Float64Array.from(Q, (q) => gamma * q), [H, H]) }, batch };
    });

  function grows(deltas: Deltas) {
    return fc.property(growing, ({ gamma, params, batch }) => {
      const ds = deltas(params, batch);
      const hs = elmanStates(params, batch.xs);
      const T = ds.length - 1;
      let bound = norm2(ds[T]!);
      for (let k = T - 1; k >= 0; k--) {
        bound *= gamma * Math.min(...hs[k + 1]!.map((h) => 1 - h * h));
        if (!(norm2(ds[k]!) >= bound * (1 - 1e-12))) throw new Error(`‖δ_${k}‖ = ${norm2(ds[k]!)} < ∏ γ min(1 − h²) ‖δ_${T}‖ = ${bound}`);
      }
      if (T > 0 && norm2(ds[T]!) > 0) expect(norm2(ds[0]!)).toBeGreaterThan(norm2(ds[T]!));
    });
  }

  test('with ‖Wh‖ = γ > 1 (Wh = γQ, small states) it grows going back: ‖δ_k‖ ≥ ∏ γ min(1 − h²) ‖δ_T‖', () => {
    fc.assert(grows(engineDeltas), { numRuns: 100 });
  });
  test('broken twin: a backward that forgets Whᵀ (δ_{t−1} = δ_t ⊙ (1 − h_t²)) does not grow', () => {
    const noWh: Deltas = (params, batch) => {
      const ds = engineDeltas(params, batch);
      const hs = elmanStates(params, batch.xs);
      const T = ds.length - 1;
      for (let k = T - 1; k >= 0; k--) ds[k] = ds[k + 1]!.map((d, i) => d * (1 - hs[k + 1]![i]! ** 2));
      return ds;
    };
    mustFail(grows(noWh));
  });
});

/** Gradient records of generated names and shapes, some tiny, some huge. */
const gradRecords = fc
  .array(tensorArb({ maxRank: 2, min: -1e3, max: 1e3 }), { minLength: 1, maxLength: 4 })
  .chain((ts) => fc.record({ grads: fc.constant(Object.fromEntries(ts.map((t, i) => [`g${i}`, t]))), maxNorm: uniformReal({ min: 1e-3, max: 1e4 }) }));

type Clip = (grads: Params, maxNorm: number) => Params;

function clippingCapsWithoutTurning(clip: Clip) {
  return fc.property(gradRecords, ({ grads, maxNorm }) => {
    const before = globalNorm(grads);
    const clipped = clip(grads, maxNorm);
    expect(globalNorm(clipped)).toBeLessThanOrEqual(maxNorm * (1 + 1e-12));
    // The same factor s ∈ (0, 1] for every entry of every gradient: the direction is unchanged.
    const s = before <= maxNorm ? 1 : maxNorm / before;
    for (const [name, g] of Object.entries(grads)) {
      g.data.forEach((v, i) => {
        const w = clipped[name]!.data[i]!;
        if (!(Math.abs(w - s * v) <= 1e-12 * Math.abs(v))) throw new Error(`${name}[${i}]: ${v} became ${w}, not ${s} × ${v}`);
      });
    }
  });
}

describe('global-norm clipping', () => {
  test('leaves the global norm ≤ the threshold and the direction unchanged; below it, does nothing', () => {
    fc.assert(clippingCapsWithoutTurning(clipByGlobalNorm), { numRuns: 200 });
  });
  function leavesInputAlone(clip: Clip) {
    return fc.property(gradRecords, ({ grads, maxNorm }) => {
      const copy = Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, Float64Array.from(g.data)]));
      clip(grads, maxNorm);
      for (const [n, g] of Object.entries(grads)) expect(g.data).toEqual(copy[n]);
    });
  }
  test('does not write its input', () => {
    fc.assert(leavesInputAlone(clipByGlobalNorm), { numRuns: 50 });
  });
  test('broken twin: clipping in place', () => {
    const inPlace: Clip = (grads, maxNorm) => {
      const clipped = clipByGlobalNorm(grads, maxNorm);
      for (const [n, g] of Object.entries(grads)) g.data.set(clipped[n]!.data);
      return grads;
    };
    mustFail(leavesInputAlone(inPlace));
  });
  test('broken twin: clipping each tensor on its own changes the direction', () => {
    const perTensor: Clip = (grads, maxNorm) =>
      Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, clipByGlobalNorm({ [n]: g }, maxNorm)[n]!]));
    mustFail(clippingCapsWithoutTurning(perTensor));
  });
  test('broken twin: clipping by value (each entry to [−c, c]) changes the direction', () => {
    const byValue: Clip = (grads, c) =>
      Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, new Tensor(g.data.map((v) => Math.max(-c, Math.min(c, v))), g.shape)]));
    mustFail(clippingCapsWithoutTurning(byValue));
  });
  function stepIsCapped(makeOptimizer: (options: { lr: number; clipNorm: number }) => ReturnType<typeof sgd>) {
    return fc.property(gradRecords, uniformReal({ min: 1e-3, max: 1 }), ({ grads, maxNorm }, lr) => {
      const params = Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, ones(g.shape)]));
      const { params: next } = makeOptimizer({ lr, clipNorm: maxNorm }).step(params, grads, {});
      const moved = Object.fromEntries(Object.entries(next).map(([n, p]) => [n, new Tensor(p.data.map((v) => v - 1), p.shape)]));
      expect(globalNorm(moved)).toBeLessThanOrEqual(lr * maxNorm * (1 + 1e-9));
    });
  }
  test('sgd with clipNorm moves the parameters by at most lr · clipNorm', () => {
    fc.assert(stepIsCapped(sgd), { numRuns: 100 });
  });
  test('broken twin: sgd that ignores clipNorm', () => {
    mustFail(stepIsCapped(({ lr }) => sgd({ lr })));
  });
});
