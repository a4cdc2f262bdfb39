import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkGradients, formatReport } from '../check/index.js';
import { Tensor, randn, tensor } from '../tensor/index.js';
import { TfjsGradientError, fromTfjs, tfjsReady } from './index.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tfjsReady();
});

const ids = (...values: number[]) => tensor(values);

type HandMade = (...args: any[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };
/** tf.customGrad, typed for tests: its own types make `save` part of every input's type. */
const customGrad = (f: HandMade) => tf.customGrad(f as any) as unknown as (...xs: tf.Tensor[]) => tf.Tensor;

describe('fromTfjs: inputs', () => {
  test('int32 inputs declared by position are given to tfjs as int32 and never differentiated', () => {
    const gather = fromTfjs(tf.gather, { dtypes: ['float32', 'int32'], attrs: [0] });
    expect(gather.nondifferentiable).toEqual([1]);
    const report = checkGradients(gather, [randn([4, 3], 1), ids(0, 3, 3, 1)]);
    expect(report.verdict, formatReport(report)).toBe('pass');
    // the ids' gradient is not asked of tfjs (GatherV2's would be its indices, an int32 tensor tfjs refuses to return)
    expect(gather.vjp([randn([4, 3], 1), ids(0, 3, 3, 1)], randn([4, 3], 2))[1]!.data.every((v) => v === 0)).toBe(true);
  });

  test('bool inputs too (tf.where), and float inputs listed in nondifferentiable are held constant', () => {
    const where = fromTfjs(tf.where, { dtypes: ['bool', 'float32', 'float32'] });
    expect(checkGradients(where, [ids(1, 0, 1), randn([3], 1), randn([3], 2)]).verdict).toBe('pass');
    const scaled = fromTfjs(tf.mul, { nondifferentiable: [1] });
    expect(scaled.nondifferentiable).toEqual([1]);
    expect(scaled.vjp([randn([3], 1), randn([3], 2)], randn([3], 3))[1]!.data.every((v) => v === 0)).toBe(true);
  });

  test('an undeclared id is a float32 tfjs refuses, and the message is tfjs’s own, naming the op', () => {
    const report = checkGradients(fromTfjs(tf.gather), [randn([4, 3], 1), ids(0, 3)]);
    expect(report).toMatchObject({ verdict: 'error', problem: 'throws' });
    expect(report.message).toMatch(/gather: forward threw .*'indices' passed to 'gather' must be int32/);
  });

  test('a value its dtype cannot hold is refused, not rounded', () => {
    const report = checkGradients(fromTfjs(tf.gather, { dtypes: ['float32', 'int32'] }), [randn([4, 3], 1), ids(0, 2.5)]);
    expect(report.message).toContain('gather: input 1 is declared int32, so every value must be a whole number within int32, but it holds 2.5 at flat index 1 (shape [2])');
    const mask = checkGradients(fromTfjs(tf.where, { dtypes: ['bool', 'float32', 'float32'] }), [ids(1, 2), randn([2], 1), randn([2], 2)]);
    expect(mask.message).toContain('input 0 is declared bool, so every value must be 0 or 1, but it holds 2 at flat index 1');
  });

  test('inputs of another count than the dtypes declared are named', () => {
    // fewer: the int32 input declared nondifferentiable is missing, which the checker reads first
    const fewer = checkGradients(fromTfjs(tf.gather, { dtypes: ['float32', 'int32'] }), [randn([4, 3], 1)]);
    expect(fewer).toMatchObject({ verdict: 'error', problem: 'bad-target' });
    expect(fewer.message).toContain('gather: nondifferentiable lists input 1, but 1 input was given');
    const more = checkGradients(fromTfjs(tf.gather, { dtypes: ['float32', 'int32'] }), [randn([4, 3], 1), ids(0, 2), randn([2], 2)]);
    expect(more.message).toContain('2 input dtypes were declared (float32, int32), but 3 inputs were given');
  });

  test('options that cannot be right are refused at once, naming fromTfjs', () => {
    expect(() => fromTfjs(tf.sum, { dtypes: ['float64' as 'float32'] })).toThrow("fromTfjs(sum): dtypes must list one of float32, int32, bool per input, got a string (float64) at position 0");
    expect(() => fromTfjs(tf.sum, { attrs: 1 as unknown as [] })).toThrow('fromTfjs(sum): attrs must be the list of arguments passed after the tensors');
    expect(() => fromTfjs(tf.sum, { nondifferentiable: [0.5] })).toThrow('fromTfjs(sum): nondifferentiable must list input positions');
    expect(() => fromTfjs('tanh' as unknown as () => tf.Tensor)).toThrow('fromTfjs: expected a function of tfjs tensors, got a string (tanh)');
  });
});

describe('fromTfjs: attributes and outputs', () => {
  test('attributes are passed after the tensors: tf.sum(x, 1, true)', () => {
    const sum = fromTfjs(tf.sum, { attrs: [1, true] });
    expect(sum.name).toBe('sum');
    expect(sum.forward([randn([3, 4], 1)]).shape).toEqual([3, 1]);
    expect(checkGradients(sum, [randn([3, 4], 1)]).verdict).toBe('pass');
  });

  test('an int32 or bool output is refused with what to do; castOutput checks it as float32', () => {
    const refused = checkGradients(fromTfjs(tf.argMax), [randn([3, 4], 1)]);
    expect(refused.message).toBe('argMax: forward threw TypeError: argMax returned an int32 tensor; gradients are checked on float32 outputs — pass { castOutput: true } to check it as float32 (its derivative is then 0 away from the jumps)');
    expect(checkGradients(fromTfjs(tf.argMax, { castOutput: true }), [randn([3, 4], 1)]).verdict).toBe('pass');
    expect(checkGradients(fromTfjs(tf.greaterEqual, { castOutput: true }), [randn([3], 1), randn([3], 2)]).verdict).toBe('pass');
  });

  test('an output that is not one float32 tensor says what it is', () => {
    const message = (f: (x: tf.Tensor) => unknown) => checkGradients(fromTfjs(f as () => tf.Tensor, { name: 'f' }), [randn([4], 1)]).message;
    expect(message((x) => tf.split(x, 2))).toBe('f: forward threw TypeError: f must return one tf.Tensor, but returned an array of 2 values (tf.split, tf.unstack and tf.topk return several): return one tensor — pick one, or tf.stack or tf.concat them');
    expect(message(async (x) => tf.tanh(x))).toContain('but returned a Promise: checks run synchronously');
    expect(message((x) => x.dataSync()[0])).toContain('but returned a number (');
    expect(message((x) => tf.complex(x, x))).toContain('returned a complex64 tensor; gradients are checked on float32 outputs');
  });

  test('an input the output does not depend on has a zero gradient (tf.grads would throw)', () => {
    const report = checkGradients(fromTfjs((x: tf.Tensor, _unused: tf.Tensor) => tf.tanh(x)), [randn([3], 1), randn([2], 2)], { mode: 'full' });
    expect(report.verdict, formatReport(report)).toBe('pass');
  });
});

describe('fromTfjs: tf.customGrad is checked as written', () => {
  // x ↦ x², with a hand-made backward: 2x·dy, or (the bug) 2.02x·dy
  const square = (slope: number) =>
    customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return { value: tf.square(x), gradFunc: (dy, [saved]) => tf.mul(dy, tf.mul(saved!, slope)) };
    });

  test('the right custom gradient passes', () => {
    expect(checkGradients(fromTfjs(square(2), { name: 'square' }), [randn([5], 1)]).verdict).toBe('pass');
  });

  test('the custom gradient is what is compared: 1% off fails, at the entries of x', () => {
    const report = checkGradients(fromTfjs(square(2.02), { name: 'square' }), [randn([5], 1)]);
    expect(report.verdict, formatReport(report)).toBe('fail');
    expect(report.worst).toMatchObject({ input: 0, quantity: 'vjp' });
  });

  test('a custom gradient that throws is the user’s bug: passed on as thrown, no tfjs kernel blamed', () => {
    const throwing = customGrad((x: tf.Tensor) => ({
      value: tf.square(x),
      gradFunc: () => {
        throw new RangeError('my backward is unfinished');
      },
    }));
    const report = checkGradients(fromTfjs(throwing, { name: 'mine' }), [randn([3], 1)]);
    expect(report.message).toBe('mine: vjp threw RangeError: my backward is unfinished — a vjp that throws is a bug of the target: the check counts as failed (ok = false)');
  });
});

describe('fromTfjs: tfjs’s own backward failures name the kernel', () => {
  test('a gradient that throws inside its thunk: the kernel and the input', () => {
    const report = checkGradients(fromTfjs((x: tf.Tensor) => tf.prod(x, -1)), [randn([2, 3], 1)]);
    expect(report.message).toMatch(/vjp threw TfjsGradientError: TensorFlow.js's gradient for kernel 'Prod' \(for its input 'x'\) threw where the forward ran — a bug of TensorFlow.js \(tfjs-core 4.22.0, backend 'cpu'\), not of the function checked: Error in transpose/);
  });

  test('a kernel without a registered gradient', () => {
    const report = checkGradients(fromTfjs((x: tf.Tensor) => tf.cumprod(x)), [randn([3], 1)]);
    expect(report.message).toContain("vjp threw TfjsGradientError: TensorFlow.js has no gradient registered for kernel 'Cumprod': tfjs-core 4.22.0 has none for it");
  });

  test('the error carries the kernel, and the registry is as it was after naming it', () => {
    const before = tf.getGradient('Prod');
    const target = fromTfjs((x: tf.Tensor) => tf.prod(x, -1));
    let thrown: unknown;
    try {
      target.vjp([randn([2, 3], 1)], randn([2], 2));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TfjsGradientError);
    expect((thrown as TfjsGradientError).kernel).toBe('Prod');
    expect(tf.getGradient('Prod')).toBe(before);
  });
});

describe('fromTfjs: memory', () => {
  test('no tensor outlives a check, passing, failing or throwing', () => {
    const before = tf.memory().numTensors;
    for (let seed = 0; seed < 20; seed++) {
      checkGradients(fromTfjs((x: tf.Tensor, w: tf.Tensor) => tf.tanh(tf.matMul(x, w))), [randn([2, 3], seed), randn([3, 2], seed + 1)]);
      checkGradients(fromTfjs(tf.matMul), [randn([1, 2, 3], seed), randn([4, 3, 2], seed + 1)]);
      checkGradients(fromTfjs(tf.gather, { dtypes: ['float32', 'int32'] }), [randn([4, 3], seed), ids(1, 2)]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the broken twin: plain tf.grads leaves behind what a throwing backward saved, which fromTfjs drops', () => {
    const before = tf.memory().numTensors;
    const [a, b] = [tf.ones([1, 2, 2]), tf.ones([3, 2, 2])];
    expect(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y))([a, b])).toThrow('Error in gradient for op BatchMatMul');
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
  });
});

describe('fromTfjs: names', () => {
  test('a tfjs op by its own name, a function by its name, else “tfjs function”', () => {
    expect(fromTfjs(tf.tanh).name).toBe('tanh');
    const affine = (x: tf.Tensor) => tf.add(x, 1);
    expect(fromTfjs(affine).name).toBe('affine');
    expect(fromTfjs((x: tf.Tensor) => x).name).toBe('tfjs function');
    expect(fromTfjs(tf.tanh, { name: 'activation' }).name).toBe('activation');
  });

  test('a domain given is carried, for the matcher and gradprop check', () => {
    const domain = { sample: () => ({ inputs: [new Tensor(Float64Array.of(0.5), [1])], attrs: undefined }) };
    expect(fromTfjs(tf.tanh, { domain }).domain).toBe(domain);
    expect('domain' in fromTfjs(tf.tanh)).toBe(false);
  });
});
