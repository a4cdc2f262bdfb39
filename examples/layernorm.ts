/**
 * A user's custom layer with a hand-written backward: layer normalisation over the last axis,
 *   y = γ ⊙ x̂ + β,   x̂ = (x − μ) / √(σ² + ε),   μ, σ² the mean and variance of each row.
 * Its backward is the usual closed form:
 *   dx = (1/√(σ² + ε)) · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ ⊙ x̂)),   dx̂ = dy ⊙ γ,
 *   dγ = Σ_rows dy ⊙ x̂,   dβ = Σ_rows dy.
 * Check it with `npx gradprop check examples/layernorm.ts`.
 */
import { Tensor, defineOp, type Draw } from 'gradprop';

const EPS = 1e-5;

/** Per row: x̂ and 1/√(σ² + ε). */
function normalise(x: Tensor): { xhat: Float64Array; rstd: Float64Array; rows: number; width: number } {
  const width = x.shape[x.shape.length - 1]!;
  const rows = x.size / width;
  const xhat = new Float64Array(x.size);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < width; j++) mean += x.data[r * width + j]!;
    mean /= width;
    let variance = 0;
    for (let j = 0; j < width; j++) variance += (x.data[r * width + j]! - mean) ** 2;
    rstd[r] = 1 / Math.sqrt(variance / width + EPS);
    for (let j = 0; j < width; j++) xhat[r * width + j] = (x.data[r * width + j]! - mean) * rstd[r]!;
  }
  return { xhat, rstd, rows, width };
}

export function layerNormForward([x, gamma, beta]: readonly Tensor[]): Tensor {
  const { xhat, width } = normalise(x!);
  return new Tensor(xhat.map((v, i) => v * gamma!.data[i % width]! + beta!.data[i % width]!), x!.shape);
}

/** The backward; `varianceTerm: false` is the classic slip of treating σ as a constant. */
export function layerNormBackward([x, gamma]: readonly Tensor[], dy: Tensor, varianceTerm = true): Tensor[] {
  const { xhat, rstd, rows, width } = normalise(x!);
  const dx = new Float64Array(x!.size);
  const dgamma = new Float64Array(width);
  const dbeta = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    let meanDxhat = 0;
    let meanDxhatXhat = 0;
    for (let j = 0; j < width; j++) {
      const i = r * width + j;
      const dxhat = dy.data[i]! * gamma!.data[j]!;
      meanDxhat += dxhat / width;
      meanDxhatXhat += (dxhat * xhat[i]!) / width;
      dgamma[j] = dgamma[j]! + dy.data[i]! * xhat[i]!;
      dbeta[j] = dbeta[j]! + dy.data[i]!;
    }
    for (let j = 0; j < width; j++) {
      const i = r * width + j;
      const dxhat = dy.data[i]! * gamma!.data[j]!;
      dx[i] = rstd[r]! * (dxhat - meanDxhat - (varianceTerm ? xhat[i]! * meanDxhatXhat : 0));
    }
  }
  return [new Tensor(dx, x!.shape), new Tensor(dgamma, gamma!.shape), new Tensor(dbeta, [width])];
}

/**
 * The forward derivative: the normalisation's Jacobian rstd·(I − 11ᵀ/D − x̂x̂ᵀ/D) is symmetric,
 * so dx̂ has the same form as in the backward; then dy = γ ⊙ dx̂ + x̂ ⊙ dγ + dβ.
 */
export function layerNormTangent([x, gamma]: readonly Tensor[], [dx, dgamma, dbeta]: readonly Tensor[]): Tensor {
  const { xhat, rstd, rows, width } = normalise(x!);
  const dy = new Float64Array(x!.size);
  for (let r = 0; r < rows; r++) {
    let meanDx = 0;
    let meanDxXhat = 0;
    for (let j = 0; j < width; j++) {
      meanDx += dx!.data[r * width + j]! / width;
      meanDxXhat += (dx!.data[r * width + j]! * xhat[r * width + j]!) / width;
    }
    for (let j = 0; j < width; j++) {
      const i = r * width + j;
      const dxhat = rstd[r]! * (dx!.data[i]! - meanDx - xhat[i]! * meanDxXhat);
      dy[i] = gamma!.data[j]! * dxhat + xhat[i]! * dgamma!.data[j]! + dbeta!.data[j]!;
    }
  }
  return new Tensor(dy, x!.shape);
}

/** Rows of at least two features (one feature normalises to 0), with a gain and a bias per feature. */
export const layerNormDomain = {
  sample(draw: Draw) {
    const width = draw.int(2, 5);
    const shape = [draw.int(1, 3), width];
    return { inputs: [draw.tensor(shape), draw.tensor([width], { min: 0.5, max: 2 }), draw.tensor([width])], attrs: undefined };
  },
};

export const layerNorm = defineOp({
  name: 'layerNorm',
  arity: 3,
  forward: (inputs) => layerNormForward(inputs),
  vjp: (inputs, _y, dy) => layerNormBackward(inputs, dy),
  jvp: (inputs, _y, tangents) => layerNormTangent(inputs, tangents),
  domain: layerNormDomain,
  register: false,
  // The rules are raw loops over the data: right at first order, but nothing the engine can
  // differentiate again. Saying so makes a second-order check an error naming the op.
  higherOrder: false,
});
