import { ShapeError, Tensor, formatShape, scalar } from '../tensor/index.js';
import { type AxisView, expectOptions, normalizeAxis, reducedShape, viewAround } from './axis.js';
import { broadcastTo, sameShape } from './broadcast.js';
import { type Op, defineOp } from './define.js';
import { mul } from './elementwise.js';
import { reshape } from './shape.js';
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

/**
 * g spread back over every element it was reduced from, times `scale`: built from ops (it is a vjp),
 * scaled while it is small, and reshaped only where broadcasting needs the reduced axis kept.
 */
function spread(g: Tensor, x: Tensor, r: Reduction, scale: number): Tensor {
  const scaled = scale === 1 ? g : mul(g, scalar(scale));
  const kept = scaled.rank === 0 || sameShape(scaled.shape, r.kept) ? scaled : reshape.apply([scaled], { shape: r.kept });
  return broadcastTo.apply([kept], { shape: x.shape });
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

/** sum and mean: both are a scaled sum, and so are their vjp (a spread) and jvp (the op itself). */
function defineScaledSum(name: string, scaleOf: (view: AxisView) => number) {
  const op: Op<1, ReduceOptions, [x: Tensor, options?: ReduceOptions]> = defineOp({
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
    jvp: (_x, _y, [t], options) => op.apply([t], options),
    domain: anyReduction,
  });
  return op;
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

/** 1 where an element won its max, 0 elsewhere: a constant, as the choice of winner has no derivative. */
function winnerMask(x: Tensor, r: Reduction): Tensor {
  const mask = new Tensor(floats(x.size), x.shape);
  for (const i of winners(x, r)) mask.data[i] = 1;
  return mask;
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
  // the cotangent goes to each max's winner, and the winner's tangent is the max's
  vjp: ([x], _y, g, options) => {
    const r = reduction('max', x, options);
    return [mul(spread(g, x, r, 1), winnerMask(x, r))];
  },
  jvp: ([x], _y, [t], options) => sum.apply([mul(t, winnerMask(x, reduction('max', x, options)))], options),
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
