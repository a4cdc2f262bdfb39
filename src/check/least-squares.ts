/**
 * Linear least squares by Householder QR, with what a significance test needs: the residuals and
 * (XᵀX)⁻¹, whose diagonal times the residual variance is each coefficient's variance. QR rather
 * than the normal equations: a polynomial basis on a short grid is ill-conditioned enough that
 * squaring its condition number would cost the digits the float32 check resolves.
 */

/** A least-squares fit y ≈ Σ_j coefficients[j]·columns[j]. */
export interface Fit {
  coefficients: Float64Array;
  residuals: Float64Array;
  /** Σ residuals². */
  rss: number;
  /** Rows minus columns: the degrees of freedom of the residual variance. */
  dof: number;
  /** (XᵀX)⁻¹, row-major, columns × columns. */
  inverse: Float64Array;
}

/**
 * Fit y by the given columns (each as long as y). Throws on fewer rows than columns or on columns
 * that are linearly dependent: both are bugs of the caller's design, never of the data.
 */
export function leastSquares(columns: readonly Float64Array[], y: Float64Array): Fit {
  if (columns.some((c) => c.length !== y.length)) throw new RangeError(`leastSquares: every column needs ${y.length} rows`);
  return prepare(columns).fit(y);
}

/** A design factored once, to fit many right-hand sides: what a window's model is, whatever its samples. */
export interface Design {
  columns: readonly Float64Array[];
  fit(y: Float64Array): Fit;
  /** The fit's rss alone, the same number, without allocating: for many right-hand sides. */
  rss(y: ArrayLike<number>): number;
  /**
   * The rss of the fits by the first `leading[m]` columns, into `into[m]`, from one reduction of y:
   * each the number a design of those columns alone gives, to the last bit. Householder QR reduces
   * column by column and reflector j touches rows j… only, so the reflectors, R and Qᵀy's first k
   * entries of the leading k columns are those of the whole design (a quartic and a sextic through
   * the same samples: one factorisation, one reduction per series).
   */
  nestedRss(y: ArrayLike<number>, leading: readonly number[], into: Float64Array): void;
}

export function prepare(columns: readonly Float64Array[]): Design {
  const n = columns[0]?.length ?? 0;
  const p = columns.length;
  if (n < p) throw new RangeError(`leastSquares: ${n} rows cannot determine ${p} coefficients`);
  if (columns.some((c) => c.length !== n)) throw new RangeError(`leastSquares: every column needs ${n} rows`);
  // a holds the columns one after another and is reduced in place to R (upper part) and the reflectors
  const a = columns.map((c) => Float64Array.from(c));
  const diagonal = new Float64Array(p);
  const norms = new Float64Array(p);
  const reflect = (j: number, target: Float64Array) => {
    const v = a[j]!;
    let dot = 0;
    for (let i = j; i < n; i++) dot += v[i]! * target[i]!;
    const f = (2 * dot) / norms[j]!;
    for (let i = j; i < n; i++) target[i] = target[i]! - f * v[i]!;
  };
  for (let j = 0; j < p; j++) {
    const col = a[j]!;
    let norm = 0;
    for (let i = j; i < n; i++) norm = Math.hypot(norm, col[i]!);
    if (norm === 0 || norm <= 1e-13 * columnScale(columns[j]!)) throw new RangeError(`leastSquares: column ${j} depends on the others`);
    const alpha = col[j]! > 0 ? -norm : norm;
    // v = x − αe₁ stored in col[j..n), applied as H = I − 2vvᵀ/vᵀv
    col[j] = col[j]! - alpha;
    let vv = 0;
    for (let i = j; i < n; i++) vv += col[i]! * col[i]!;
    norms[j] = vv;
    for (let k = j + 1; k < p; k++) reflect(j, a[k]!);
    diagonal[j] = alpha;
  }
  // R is upper triangular: R[i][j] = a[j][i] for i < j, diagonal[j] on the diagonal
  const r = (i: number, j: number) => (i === j ? diagonal[j]! : a[j]![i]!);
  // R⁻¹ by back substitution, then (XᵀX)⁻¹ = R⁻¹R⁻ᵀ
  const rInverse = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    rInverse[j * p + j] = 1 / r(j, j);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r(i, k) * rInverse[k * p + j]!;
      rInverse[i * p + j] = -s / r(i, i);
    }
  }
  const inverse = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += rInverse[i * p + k]! * rInverse[j * p + k]!;
      inverse[i * p + j] = s;
    }
  }
  // y reduced to Qᵀy in b (a copy of y, reduced in place)
  const reduce = (y: ArrayLike<number>, b: Float64Array) => {
    if (y.length !== n) throw new RangeError(`leastSquares: ${y.length} values for ${n} rows`);
    b.set(y);
    for (let j = 0; j < p; j++) reflect(j, b);
  };
  // the coefficients of the fit by the first k columns, into `coefficients`, from a reduced b
  const backSubstitute = (b: Float64Array, k: number, coefficients: Float64Array) => {
    for (let i = k - 1; i >= 0; i--) {
      let s = b[i]!;
      for (let j = i + 1; j < k; j++) s -= r(i, j) * coefficients[j]!;
      coefficients[i] = s / r(i, i);
    }
  };
  const solve = (y: ArrayLike<number>, b: Float64Array, coefficients: Float64Array) => {
    reduce(y, b);
    backSubstitute(b, p, coefficients);
  };
  // Σ residuals² as fit computes them: the first k columns' terms taken off in order
  const residualSquares = (y: ArrayLike<number>, k: number, coefficients: Float64Array) => {
    let rss = 0;
    for (let i = 0; i < n; i++) {
      let e = y[i]!;
      for (let j = 0; j < k; j++) e -= columns[j]![i]! * coefficients[j]!;
      rss += e * e;
    }
    return rss;
  };
  const scratch = { b: new Float64Array(n), coefficients: new Float64Array(p) };
  return {
    columns,
    fit(y) {
      const coefficients = new Float64Array(p);
      solve(y, new Float64Array(n), coefficients);
      const residuals = Float64Array.from(y);
      columns.forEach((c, j) => {
        const cj = coefficients[j]!;
        for (let i = 0; i < n; i++) residuals[i] = residuals[i]! - c[i]! * cj;
      });
      const rss = residuals.reduce((s, e) => s + e * e, 0);
      return { coefficients, residuals, rss, dof: n - p, inverse };
    },
    rss(y) {
      const { b, coefficients } = scratch;
      solve(y, b, coefficients);
      return residualSquares(y, p, coefficients);
    },
    nestedRss(y, leading, into) {
      if (leading.some((k) => !(k >= 1 && k <= p && Number.isInteger(k)))) throw new RangeError(`leastSquares: leading column counts are 1 to ${p}, got ${leading.join(', ')}`);
      const { b, coefficients } = scratch;
      reduce(y, b);
      leading.forEach((k, m) => {
        backSubstitute(b, k, coefficients);
        into[m] = residualSquares(y, k, coefficients);
      });
    },
  };
}

function columnScale(column: Float64Array): number {
  return Math.sqrt(column.reduce((s, v) => s + v * v, 0));
}
