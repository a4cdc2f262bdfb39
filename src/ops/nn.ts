import { ShapeError, Tensor, formatShape, scalar, shapesEqual } from '../tensor/index.js';
import { normalizeAxis, viewAround } from './axis.js';
import { exp, mul, neg, sub } from './elementwise.js';
import { defineOp } from './define.js';
import type { Domain } from './domain.js';
import { checkIds } from './ids.js';
import { sum } from './reduce.js';
import { floats } from './floats.js';

/**
 * Softmax (or its log) along one axis. The max is subtracted first, so logits of magnitude 1000
 * neither overflow exp nor lose the answer to cancellation.
 */
function softmaxAlong(op: string, x: Tensor, axisOption: number, log: boolean): Tensor {
  const { outer, side, inner } = viewAround(x.shape, normalizeAxis(op, axisOption, x.shape));
  const out = floats(x.size);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const first = o * side * inner + j;
      const last = first + side * inner;
      let top = first;
      for (let i = first; i < last; i += inner) if (x.data[i]! > x.data[top]!) top = i;
      // Σ exp(x − max) = 1 + rest, and log1p(rest) keeps its digits when rest is tiny: the loss of
      // a confident prediction is log(1 + e^−40), not 0.
      let rest = 0;
      for (let i = first; i < last; i += inner) if (i !== top) rest += Math.exp(x.data[i]! - x.data[top]!);
      const total = 1 + rest;
      const logTotal = Math.log1p(rest);
      for (let i = first; i < last; i += inner) out[i] = log ? x.data[i]! - x.data[top]! - logTotal : Math.exp(x.data[i]! - x.data[top]!) / total;
    }
  }
  return new Tensor(out, x.shape);
}

const alongAnAxis: Domain<{ axis: number }> = {
  sample: (draw) => {
    const x = draw.tensor(draw.shape({ minRank: 1 }));
    return { inputs: [x], attrs: { axis: draw.int(-x.rank, x.rank - 1) } };
  },
};

/** The softmax Jacobian y_i (δ_ij − y_j) is symmetric, so it pulls back and pushes forward alike. */
function softmaxJacobianTimes(y: Tensor, v: Tensor, axis: number): Tensor {
  return mul(y, sub(v, sum.apply([mul(v, y)], { axis, keepdims: true })));
}

/** eˣ normalised to sum to 1 along an axis (the last by default), computed without overflow. */
export const softmax = defineOp({
  name: 'softmax',
  arity: 1,
  args: (x: Tensor, axis: number = -1) => [[x], { axis }] as const,
  forward: ([x], { axis }) => softmaxAlong('softmax', x, axis, false),
  vjp: (_x, y, g, { axis }) => [softmaxJacobianTimes(y, g, axis)],
  jvp: (_x, y, [t], { axis }) => softmaxJacobianTimes(y, t, axis),
  domain: alongAnAxis,
});

/** log softmax(x) along an axis (the last by default), as x − logsumexp(x) without overflow. */
export const logSoftmax = defineOp({
  name: 'logSoftmax',
  arity: 1,
  args: (x: Tensor, axis: number = -1) => [[x], { axis }] as const,
  forward: ([x], { axis }) => softmaxAlong('logSoftmax', x, axis, true),
  // d log p_i / d x_j = δ_ij − p_j, with p = exp(y).
  vjp: (_x, y, g, { axis }) => [sub(g, mul(exp(y), sum.apply([g], { axis, keepdims: true })))],
  jvp: (_x, y, [t], { axis }) => sub(t, sum.apply([mul(exp(y), t)], { axis, keepdims: true })),
  domain: alongAnAxis,
});

/**
 * The mean cross-entropy of logits [..., C] against integer targets [...] naming the right class at
 * each of N positions, and its derivative with respect to the logits, (softmax − one-hot) / N.
 */
function crossEntropyParts(logits: Tensor, targets: Tensor): { loss: number; dLogits: Tensor } {
  const classes = logits.shape[logits.rank - 1];
  if (classes === undefined || !shapesEqual(targets.shape, logits.shape.slice(0, -1))) {
    throw new ShapeError(
      'crossEntropy',
      'logits [..., C] and integer targets of the logits shape without its last axis',
      `logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)}`,
    );
  }
  checkIds('crossEntropy', 'target', targets, classes, () => `the logits of shape ${formatShape(logits.shape)} have ${classes} classes`);
  const logp = softmaxAlong('crossEntropy', logits, -1, true);
  const count = targets.size;
  const d = floats(logits.size);
  let loss = 0;
  for (let n = 0; n < count; n++) {
    const right = n * classes + targets.data[n]!;
    loss -= logp.data[right]!;
    for (let c = n * classes; c < (n + 1) * classes; c++) d[c] = Math.exp(logp.data[c]!) / count;
    // p − 1 for the right class, as expm1: a confident p = 1 − 1e-17 must not round to a zero gradient
    d[right] = Math.expm1(logp.data[right]!) / count;
  }
  return { loss: loss / count, dLogits: new Tensor(d, logits.shape) };
}

const crossEntropyDomain: Domain<undefined> = {
  sample: (draw) => {
    const logits = draw.tensor(draw.shape({ minRank: 1, maxRank: 2, minSide: 1 }));
    const targets = draw.ids(logits.shape.slice(0, -1), logits.shape[logits.rank - 1]!);
    return { inputs: [logits, targets], attrs: undefined };
  },
  nondifferentiable: [1],
};

/** Mean cross-entropy of softmax(logits) against integer class targets: logits `[..., C]`, targets of the logits shape without its last axis (they take no gradient). */
export const crossEntropy = defineOp({
  name: 'crossEntropy',
  arity: 2,
  forward: ([logits, targets]) => scalar(crossEntropyParts(logits, targets).loss),
  vjp: ([logits, targets], _y, g) => [mul(crossEntropyGrad(logits, targets), g), null],
  jvp: ([logits, targets], _y, [t]) => sum(mul(crossEntropyGrad(logits, targets), t)),
  domain: crossEntropyDomain,
});

/**
 * crossEntropy's gradient with respect to its logits, (softmax(logits) − one-hot(targets)) / N, as
 * an op of its own: computed in one pass (and exactly near a confident prediction), while its own
 * derivative, the softmax Jacobian / N, is built from ops — crossEntropy's second order.
 */
export const crossEntropyGrad = defineOp({
  name: 'crossEntropyGrad',
  arity: 2,
  forward: ([logits, targets]) => crossEntropyParts(logits, targets).dLogits,
  vjp: ([logits, targets], _y, g): (Tensor | null)[] => [softmaxJacobianTimesMean(logits, targets, g), null],
  jvp: ([logits, targets], _y, [t]): Tensor => softmaxJacobianTimesMean(logits, targets, t),
  domain: crossEntropyDomain,
});

function softmaxJacobianTimesMean(logits: Tensor, targets: Tensor, v: Tensor): Tensor {
  return mul(softmaxJacobianTimes(softmax(logits), v, -1), scalar(1 / targets.size));
}

/** 2 (pred − target) / n: the derivative of the mean squared error with respect to pred. */
function mseSlope(pred: Tensor, target: Tensor): Tensor {
  return mul(sub(pred, target), scalar(2 / pred.size));
}

/** Mean squared error between a prediction and a target of the same shape. */
export const mse = defineOp({
  name: 'mse',
  arity: 2,
  forward: ([pred, target]) => {
    if (!shapesEqual(pred.shape, target.shape)) {
      throw new ShapeError('mse', 'pred and target of the same shape', `${formatShape(pred.shape)} and ${formatShape(target.shape)}`);
    }
    let total = 0;
    for (let i = 0; i < pred.size; i++) total += (pred.data[i]! - target.data[i]!) ** 2;
    return scalar(total / pred.size);
  },
  vjp: ([pred, target], _y, g) => {
    const slope = mul(mseSlope(pred, target), g);
    return [slope, neg(slope)];
  },
  jvp: ([pred, target], _y, [tp, tt]) => sum(mul(mseSlope(pred, target), sub(tp, tt))),
  domain: {
    sample: (draw) => {
      const shape = draw.shape();
      return { inputs: [draw.tensor(shape), draw.tensor(shape)], attrs: undefined };
    },
  },
});
