import { ShapeError, Tensor, formatShape } from '../tensor/index.js';
import { type AxisView, expectOptions, normalizeAxis, reducedShape, viewAround } from './axis.js';
import { broadcastTo } from './broadcast.js';
import { defineOp } from './define.js';
import type { Domain, Draw } from './domain.js';
import { floats, ints } from './floats.js';

/** Reduce along one axis, or over everything when `axis` is omitted. */
export interface ReduceOptions {
  axis?: number;
  keepdims?: boolean;
}

interface Reduction {
  axis: number | undefined;
  view: AxisView;
  shape: number[];
  /** The output's shape with the reduced axes kept as size 1: it broadcasts back to the input. */
  kept: number[];
}

function reduction(op: string, x: Tensor, { axis, keepdims = false }: ReduceOptions): Reduction {
  const resolved = axis === undefined ? undefined : normalizeAxis(op, axis, x.shape);
  return {
    axis: resolved,
    view: viewAround(x.shape, resolved),
    shape: reducedShape(x.shape, resolved, keepdims),
    kept: reducedShape(x.shape, resolved, true),
  };
}

function sumAlong(x: Tensor, { view: { outer, side, inner }, shape }: Reduction, scale: number): Tensor {
  const out = floats(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < side; k++) {
      const from = (o * side + k) * inner;
      for (let j = 0; j < inner; j++) out[o * inner + j]! += x.data[from + j]!;
    }
  }
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return new Tensor(out, shape);
}

/** g spread back over every element it was reduced from, times `scale`. */
function spread(g: Tensor, x: Tensor, r: Reduction, scale: number): Tensor {
  const spreadOut = broadcastTo(new Tensor(g.data, r.kept), x.shape);
  if (scale === 1) return spreadOut;
  const out = floats(spreadOut.size);
  for (let i = 0; i < out.length; i++) out[i] = spreadOut.data[i]! * scale;
  return new Tensor(out, x.shape);
}

function reduceArgs(op: string) {
  return (x: Tensor, options: ReduceOptions = {}): readonly [[Tensor], ReduceOptions] => [[x], expectOptions(op, options, '{ axis?, keepdims? }')];
}

function drawReduceOptions(draw: Draw, rank: number): ReduceOptions {
  const axis = rank > 0 && draw.boolean() ? draw.int(-rank, rank - 1) : undefined;
  return axis === undefined ? { keepdims: draw.boolean() } : { axis, keepdims: draw.boolean() };
}

const anyReduction: Domain<ReduceOptions> = {
  sample: (draw) => {
    const x = draw.tensor(draw.shape());
    return { inputs: [x], attrs: drawReduceOptions(draw, x.rank) };
  },
};

/** sum and mean: both are a scaled sum, and so are their vjp (a spread) and jvp (the same sum). */
function defineScaledSum(name: string, scaleOf: (view: AxisView) => number) {
  return defineOp({
    name,
    arity: 1,
    args: reduceArgs(name),
    forward: ([x], options) => {
      const r = reduction(name, x, options);
      return sumAlong(x, r, scaleOf(r.view));
    },
    vjp: ([x], _y, g, options) => {
      const r = reduction(name, x, options);
      return [spread(g, x, r, scaleOf(r.view))];
    },
    jvp: ([x], _y, [t], options) => {
      const r = reduction(name, x, options);
      return sumAlong(t, r, scaleOf(r.view));
    },
    domain: anyReduction,
  });
}

/** The sum of all entries, or along `{ axis }` (with `keepdims` to keep it as a side of 1). */
export const sum = defineScaledSum('sum', () => 1);

/** The mean of all entries, or along `{ axis }` (with `keepdims`). */
export const mean = defineScaledSum('mean', (view) => 1 / view.side);

/** For each output element of a max, the offset of the input element that won (the first, on a tie). */
function winners(x: Tensor, { view: { outer, side, inner } }: Reduction): Int32Array {
  const at = ints(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let best = o * side * inner + j;
      for (let k = 1; k < side; k++) {
        const i = (o * side + k) * inner + j;
        if (x.data[i]! > x.data[best]!) best = i;
      }
      at[o * inner + j] = best;
    }
  }
  return at;
}

function pick(v: Tensor, at: Int32Array, shape: number[]): Tensor {
  const out = floats(at.length);
  for (let i = 0; i < at.length; i++) out[i] = v.data[at[i]!]!;
  return new Tensor(out, shape);
}

/** Max is not differentiable where two candidates tie; keep the winner clear of the runner-up. */
const MAX_GAP = 0.25;

/** The largest entry, or along `{ axis }` (with `keepdims`); the gradient goes to the first winner on a tie. */
export const max = defineOp({
  name: 'max',
  arity: 1,
  args: reduceArgs('max'),
  forward: ([x], options) => {
    const r = reduction('max', x, options);
    if (r.view.side === 0) throw new ShapeError('max', `a non-empty axis to take the max over`, `shape ${formatShape(x.shape)}`);
    return pick(x, winners(x, r), r.shape);
  },
  vjp: ([x], _y, g, options) => {
    const at = winners(x, reduction('max', x, options));
    const out = floats(x.size);
    for (let i = 0; i < at.length; i++) out[at[i]!]! += g.data[i]!;
    return [new Tensor(out, x.shape)];
  },
  jvp: ([x], y, [t], options) => pick(t, winners(x, reduction('max', x, options)), [...y.shape]),
  domain: {
    sample: (draw) => {
      const drawn = draw.tensor(draw.shape({ minRank: 1, minSide: 1 }));
      const attrs = drawReduceOptions(draw, drawn.rank);
      return { inputs: [separateWinners(drawn, reduction('max', drawn, attrs))], attrs };
    },
  },
});

function separateWinners(x: Tensor, r: Reduction): Tensor {
  const data = Float64Array.from(x.data);
  const { outer, side, inner } = r.view;
  for (const best of winners(x, r)) {
    const o = Math.floor(best / (side * inner));
    const j = best % inner;
    let runnerUp = -Infinity;
    for (let k = 0; k < side; k++) {
      const i = (o * side + k) * inner + j;
      if (i !== best) runnerUp = Math.max(runnerUp, data[i]!);
    }
    data[best] = Math.max(data[best]!, runnerUp + MAX_GAP);
  }
  return new Tensor(data, x.shape);
}
