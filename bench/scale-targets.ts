/**
 * Targets of a million parameters, written the way a user writes a kernel: plain loops over
 * Float64Arrays, a hand-written forward and vjp, nothing of the engine. A cheap target shows the
 * checker's own cost per entry, which an expensive one hides.
 */
import { type Differentiable } from '../src/check/index.js';
import { Tensor, randn } from '../src/tensor/index.js';

/** The kinds of target the scale rows check. */
export const SCALE_KINDS = ['softsign', 'tanh', 'dense', 'logcosh'] as const;
export type ScaleKind = (typeof SCALE_KINDS)[number];

/** A gradient entry the vjp gets wrong: multiplied by 1 + 1e-2 (linear in the cotangent, as a real slip is). */
export interface WrongEntry {
  input: number;
  flat: number;
}

/** What each kind of target computes, for the table's legend. */
export const SCALE_FORMULAS: Record<ScaleKind, string> = {
  softsign: 'y = x / (1 + |x|), elementwise (output as large as the input)',
  tanh: 'y = tanh(x), elementwise (output as large as the input)',
  dense: `L = ½‖tanh(xW + b) − t‖² / B, x [B, m], W [m, m], b [m], B = 8, m = √n`,
  logcosh: 'L = Σ log cosh(x − y): one scalar from n predictions',
};

export interface ScaleCase {
  kind: ScaleKind;
  target: Differentiable;
  inputs: Tensor[];
  /** Differentiable entries. */
  params: number;
  /** Where a planted case's wrong entry is (a third of the way into its largest input). */
  wrong: WrongEntry;
}

const PLANTED = 1e-2;

/** Batch rows of the dense layer's input. */
const BATCH = 8;

/** Differentiable entries of the target of this kind made for `n`: n, or the dense layer's x, W and b. */
export function scaleParams(kind: ScaleKind, n: number): number {
  const m = Math.round(Math.sqrt(n));
  return kind === 'dense' ? BATCH * m + m * m + m : n;
}

/** The target of this kind with about `n` parameters (exactly n for the elementwise ones), wrong at `wrong` if given. */
export function scaleCase(kind: ScaleKind, n: number, planted: boolean): ScaleCase {
  const make = { softsign: elementwiseCase, tanh: elementwiseCase, logcosh: logcoshCase, dense: denseCase }[kind];
  return make(kind, n, planted);
}

/** Multiply one entry of a freshly made gradient by 1 + 1e-2, when planted. */
function spoil(grads: Tensor[], wrong: WrongEntry | undefined): Tensor[] {
  if (wrong) grads[wrong.input]!.data[wrong.flat]! *= 1 + PLANTED;
  return grads;
}

const ELEMENTWISE = {
  softsign: { f: (x: number) => x / (1 + Math.abs(x)), df: (x: number) => 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))) },
  tanh: { f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2 },
};

function elementwiseCase(kind: ScaleKind, n: number, planted: boolean): ScaleCase {
  const { f, df } = ELEMENTWISE[kind as keyof typeof ELEMENTWISE];
  const wrong = { input: 0, flat: Math.floor(n / 3) };
  const spoilt = planted ? wrong : undefined;
  const target: Differentiable = {
    name: `${kind} (${n.toLocaleString('en')} entries)`,
    forward: ([x]) => {
      const xs = x!.data;
      const y = new Float64Array(xs.length);
      for (let i = 0; i < xs.length; i++) y[i] = f(xs[i]!);
      return new Tensor(y, x!.shape);
    },
    vjp: ([x], v) => {
      const xs = x!.data;
      const g = new Float64Array(xs.length);
      for (let i = 0; i < xs.length; i++) g[i] = v.data[i]! * df(xs[i]!);
      return spoil([new Tensor(g, x!.shape)], spoilt);
    },
  };
  return { kind, target, inputs: [randn([n], 1)], params: n, wrong };
}

/** L = Σ log cosh(x − y): a regression loss, one scalar from a million predictions. */
function logcoshCase(kind: ScaleKind, n: number, planted: boolean): ScaleCase {
  const y = randn([n], 2).data;
  const wrong = { input: 0, flat: Math.floor(n / 3) };
  const spoilt = planted ? wrong : undefined;
  const target: Differentiable = {
    name: `log-cosh loss (${n.toLocaleString('en')} predictions)`,
    forward: ([x]) => {
      const xs = x!.data;
      let loss = 0;
      for (let i = 0; i < xs.length; i++) {
        const d = Math.abs(xs[i]! - y[i]!);
        loss += d + Math.log1p(Math.exp(-2 * d)) - Math.LN2; // log cosh d, without overflow
      }
      return new Tensor(Float64Array.of(loss), []);
    },
    vjp: ([x], v) => {
      const xs = x!.data;
      const g = new Float64Array(xs.length);
      for (let i = 0; i < xs.length; i++) g[i] = v.data[0]! * Math.tanh(xs[i]! - y[i]!);
      return spoil([new Tensor(g, x!.shape)], spoilt);
    },
  };
  return { kind, target, inputs: [randn([n], 1)], params: n, wrong };
}


/** A dense layer and its loss (SCALE_FORMULAS): m = √n, so W holds about n parameters. */
function denseCase(kind: ScaleKind, n: number, planted: boolean): ScaleCase {
  const m = Math.round(Math.sqrt(n));
  const t = randn([BATCH, m], 4, 0.5).data;
  const wrong = { input: 1, flat: Math.floor((m * m) / 3) };
  const spoilt = planted ? wrong : undefined;
  /** tanh(x W + b), row by row; W read along its rows. */
  const activations = (x: Float64Array, w: Float64Array, b: Float64Array): Float64Array => {
    const y = new Float64Array(BATCH * m);
    for (let r = 0; r < BATCH; r++) {
      const row = y.subarray(r * m, (r + 1) * m);
      row.set(b);
      for (let i = 0; i < m; i++) {
        const xi = x[r * m + i]!;
        for (let j = 0; j < m; j++) row[j]! += xi * w[i * m + j]!;
      }
      for (let j = 0; j < m; j++) row[j] = Math.tanh(row[j]!);
    }
    return y;
  };
  const target: Differentiable = {
    name: `dense layer tanh(xW + b), square loss (${m}×${m})`,
    forward: ([x, w, b]) => {
      const y = activations(x!.data, w!.data, b!.data);
      let loss = 0;
      for (let i = 0; i < y.length; i++) loss += (y[i]! - t[i]!) ** 2;
      return new Tensor(Float64Array.of(loss / (2 * BATCH)), []);
    },
    vjp: ([x, w, b], v) => {
      const y = activations(x!.data, w!.data, b!.data);
      const dz = new Float64Array(y.length);
      for (let i = 0; i < y.length; i++) dz[i] = ((v.data[0]! * (y[i]! - t[i]!)) / BATCH) * (1 - y[i]! * y[i]!);
      const dx = new Float64Array(BATCH * m);
      const dw = new Float64Array(m * m);
      const db = new Float64Array(m);
      for (let r = 0; r < BATCH; r++) {
        const g = dz.subarray(r * m, (r + 1) * m);
        for (let j = 0; j < m; j++) db[j]! += g[j]!;
        for (let i = 0; i < m; i++) {
          const xi = x!.data[r * m + i]!;
          let sum = 0;
          for (let j = 0; j < m; j++) {
            sum += g[j]! * w!.data[i * m + j]!;
            dw[i * m + j]! += xi * g[j]!;
          }
          dx[r * m + i] = sum;
        }
      }
      return spoil([new Tensor(dx, [BATCH, m]), new Tensor(dw, [m, m]), new Tensor(db, [m])], spoilt);
    },
  };
  const inputs = [randn([BATCH, m], 5), randn([m, m], 6, 1 / Math.sqrt(m)), randn([m], 7, 0.1)];
  return { kind, target, inputs, params: scaleParams(kind, n), wrong };
}
