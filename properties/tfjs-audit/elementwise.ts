/** The audit's elementwise kernels: one input, or two that broadcast. */
import * as tf from '@tensorflow/tfjs-core';
import type { Draw, ValueSpec } from '../../src/index.js';
import { broadcastShapes, mul } from '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { type Approximation, type AuditedOp, broadcastPair, offIntegers, onLattice } from './audited-op.js';
import { KNOWN_BUGS } from './known-bugs.js';

/**
 * tfjs-backend-cpu's erf: Abramowitz and Stegun's rational approximation 7.1.26 (their Handbook,
 * absolute error at most 1.5e-7), while the gradient tfjs-core registers for Erf is erf's own
 * derivative 2/√π·e^{−x²}.
 */
const ERF: Approximation = {
  summary: 'Abramowitz and Stegun 7.1.26 (error ≤ 1.5e-7), its gradient the exact 2/√π·e^{−x²}',
  forward64: ([x]) => {
    const [p, a1, a2, a3, a4, a5] = [0.3275911, 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
    return new Tensor(
      x!.data.map((v) => {
        const t = 1 / (1 + p * Math.abs(v));
        return Math.sign(v) * (1 - ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t * Math.exp(-v * v));
      }),
      x!.shape,
    );
  },
  gradient64: ([x], dy) => [new Tensor(x!.data.map((v, i) => (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v) * dy.data[i]!), x!.shape)],
};

/** A one-input kernel reached by `op(x)`, with x of any shape and values as `values` says. */
function unary(kernel: string, op: (x: tf.Tensor) => tf.Tensor, values: ValueSpec = {}, more: Partial<AuditedOp> = {}): AuditedOp {
  return { kernel, call: ([x]) => op(x!), sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), values)] }), ...more };
}

/** A two-input kernel reached by `op(a, b)`, with shapes that broadcast and values each as given. */
function binary(kernel: string, op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: ValueSpec = {}, b: ValueSpec = a, more: Partial<AuditedOp> = {}): AuditedOp {
  return {
    kernel,
    call: ([x, y]) => op(x!, y!),
    sample: (draw) => {
      const [shapeA, shapeB] = draw.broadcastShapes(2);
      return { inputs: [draw.tensor(shapeA!, a), draw.tensor(shapeB!, b)] };
    },
    ...more,
  };
}

/** Two inputs that broadcast, drawn by `values` (given the draw and a shape). */
function binaryDrawn(kernel: string, op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, values: (draw: Draw, shapes: number[][]) => [any, any], more: Partial<AuditedOp> = {}): AuditedOp {
  return { kernel, call: ([x, y]) => op(x!, y!), sample: (draw) => ({ inputs: values(draw, draw.broadcastShapes(2)) }), ...more };
}

export const ELEMENTWISE: AuditedOp[] = [
  unary('Abs', tf.abs, { avoid: [0] }),
  unary('Acos', tf.acos, { min: -0.9, max: 0.9 }),
  unary('Acosh', tf.acosh, { min: 1.2, max: 4 }),
  unary('Asin', tf.asin, { min: -0.9, max: 0.9 }),
  unary('Asinh', tf.asinh),
  unary('Atan', tf.atan),
  unary('Atanh', tf.atanh, { min: -0.9, max: 0.9 }),
  unary('Cos', tf.cos),
  unary('Cosh', tf.cosh),
  unary('Sin', tf.sin),
  unary('Sinh', tf.sinh),
  unary('Tan', tf.tan, { min: -1.2, max: 1.2 }),
  unary('Tanh', tf.tanh),
  unary('Sigmoid', tf.sigmoid),
  unary('Softplus', tf.softplus),
  unary('Erf', tf.erf, {}, { approximate: ERF }),
  unary('Exp', tf.exp),
  unary('Expm1', tf.expm1),
  unary('Log', tf.log, { min: 0.1, max: 5 }),
  unary('Log1p', tf.log1p, { min: -0.5, max: 3 }),
  unary('Sqrt', tf.sqrt, { min: 0.1, max: 5 }),
  unary('Rsqrt', tf.rsqrt, { min: 0.2, max: 5 }),
  unary('Reciprocal', tf.reciprocal, { min: -3, max: 3, avoid: [0] }),
  unary('Square', tf.square),
  unary('Neg', tf.neg),
  unary('Relu', tf.relu, { avoid: [0] }),
  unary('Relu6', tf.relu6, { min: -2, max: 8, avoid: [0, 6] }),
  unary('Elu', tf.elu, { avoid: [0] }),
  unary('Selu', tf.selu, { avoid: [0] }),
  {
    kernel: 'LeakyRelu',
    call: ([x], alpha) => tf.leakyRelu(x!, alpha),
    sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), { avoid: [0] })], attrs: draw.pick([0.01, 0.2, 0.5]) }),
  },
  {
    kernel: 'Step',
    call: ([x], alpha) => tf.step(x!, alpha),
    sample: (draw) => ({ inputs: [draw.tensor(draw.shape(), { avoid: [0] })], attrs: draw.pick([0, 0.5]) }),
  },
  {
    kernel: 'ClipByValue',
    call: ([x], [low, high]) => tf.clipByValue(x!, low, high),
    sample: (draw) => {
      const [low, high] = draw.pick([[-1, 1], [-2, 0.5], [0, 2]] as const);
      return { inputs: [draw.tensor(draw.shape(), { avoid: [low, high] })], attrs: [low, high] };
    },
  },
  { kernel: 'Floor', call: ([x]) => tf.floor(x!), sample: (draw) => ({ inputs: [offIntegers(draw, draw.shape())] }) },
  { kernel: 'Ceil', call: ([x]) => tf.ceil(x!), sample: (draw) => ({ inputs: [offIntegers(draw, draw.shape())] }) },
  // round jumps at the half-integers
  { kernel: 'Round', call: ([x]) => tf.round(x!), sample: (draw) => ({ inputs: [offIntegers(draw, draw.shape(), -0.3, 0.3)] }) },
  unary('Sign', tf.sign, { avoid: [0] }),
  unary('IsFinite', tf.isFinite, {}, { castOutput: true }),
  unary('IsInf', tf.isInf, {}, { castOutput: true }),
  unary('IsNan', tf.isNaN, {}, { castOutput: true }),
  unary('OnesLike', tf.onesLike),
  unary('ZerosLike', tf.zerosLike),
  // tf.clone is how a user runs Identity
  unary('Identity', tf.clone),
  unary('Cast', (x) => tf.cast(x, 'float32'), {}, { variant: 'float32 to float32' }),
  {
    kernel: 'Cast',
    variant: 'float32 to int32',
    call: ([x]) => tf.cast(x!, 'int32'),
    castOutput: true,
    sample: (draw) => ({ inputs: [offIntegers(draw, draw.shape())] }),
    bug: KNOWN_BUGS.castToInt,
  },

  binary('Add', tf.add),
  binary('Sub', tf.sub),
  binary('Multiply', tf.mul),
  binary('RealDiv', tf.div, {}, { min: -3, max: 3, avoid: [0] }),
  binary('Pow', tf.pow, { min: 0.5, max: 3 }, { min: -2, max: 2 }),
  // atan2 jumps by 2π across a < 0 at b = 0 and is undefined at the origin: both kept away from 0
  binary('Atan2', tf.atan2, { avoid: [0] }),
  // the same shapes, and one input broadcast: squaredDifference, maximum and minimum forget to sum it back
  ...([
    ['SquaredDifference', tf.squaredDifference, KNOWN_BUGS.squaredDifference],
    ['Maximum', tf.maximum, KNOWN_BUGS.maximum],
    ['Minimum', tf.minimum, KNOWN_BUGS.minimum],
  ] as const).flatMap(([kernel, op, bug]) =>
    [false, true].map(
      (broadcast): AuditedOp => ({
        kernel,
        variant: broadcast ? 'an input broadcast' : 'equal shapes',
        call: ([a, b]) => op(a!, b!),
        // values on a lattice: maximum and minimum have no tie a step could cross
        sample: (draw) => {
          const [shapeA, shapeB] = broadcast ? broadcastPair(draw) : [draw.shape(), undefined];
          return { inputs: [onLattice(draw, shapeA, 0), onLattice(draw, shapeB ?? shapeA, 1)] };
        },
        ...(broadcast ? { bug } : {}),
      }),
    ),
  ),
  binaryDrawn('GreaterEqual', tf.greaterEqual, (draw, [a, b]) => [onLattice(draw, a!, 0), onLattice(draw, b!, 1)], { castOutput: true }),
  // a = q·b with q away from the integers, so that floor(a / b) = floor(q) is constant near the input
  ...(['FloorDiv', 'Mod'] as const).map((kernel): AuditedOp => ({
    kernel,
    call: ([a, b]) => (kernel === 'FloorDiv' ? tf.floorDiv(a!, b!) : tf.mod(a!, b!)),
    sample: (draw) => {
      const [shapeA, shapeB] = draw.broadcastShapes(2);
      const b = draw.tensor(shapeB!, { min: -2, max: 2, avoid: [0] });
      return { inputs: [mul(offIntegers(draw, broadcastShapes(kernel, shapeA!, shapeB!)), b), b] };
    },
    // tf.floorDiv returns int32
    ...(kernel === 'FloorDiv' ? { castOutput: true, bug: KNOWN_BUGS.floorDiv } : {}),
  })),
  // alpha broadcast against x, as layers use it, and x broadcast against a larger alpha
  ...[false, true].map(
    (xBroadcast): AuditedOp => ({
      kernel: 'Prelu',
      variant: xBroadcast ? 'x broadcast' : 'alpha broadcast',
      call: ([x, alpha]) => tf.prelu(x!, alpha!),
      sample: (draw) => {
        const [x, alpha] = broadcastPair(draw, xBroadcast);
        return { inputs: [draw.tensor(x, { avoid: [0] }), draw.tensor(alpha, { min: 0, max: 1 })] };
      },
      ...(xBroadcast ? { bug: KNOWN_BUGS.prelu } : {}),
    }),
  ),
  {
    kernel: 'Select',
    call: ([condition, a, b]) => tf.where(condition!, a!, b!),
    dtypes: ['bool', 'float32', 'float32'],
    sample: (draw) => {
      const shape = draw.shape();
      return { inputs: [draw.ids(shape, 2), draw.tensor(shape), draw.tensor(shape)] };
    },
  },
];
