import { describe, expect, test } from 'vitest';
import { Tensor, scalar, tensor } from '../tensor/index.js';
import { add, allOps, concat, defineOp, gather, opTarget, registry, sum, tanh } from './index.js';

describe('defineOp', () => {
  const double = defineOp({
    name: 'double (test)',
    arity: 1,
    forward: ([x]) => new Tensor(x.data.map((v) => 2 * v), x.shape),
    vjp: ([x], _y, g) => [new Tensor(g.data.map((v) => 2 * v), x.shape)],
    jvp: (_x, _y, [t]) => new Tensor(t.data.map((v) => 2 * v), t.shape),
    domain: { sample: (draw) => ({ inputs: [draw.tensor(draw.shape())], attrs: undefined }) },
    register: false,
  });

  test('returns a callable op carrying its rules and domain', () => {
    expect(double(tensor([1, 2])).toArray()).toEqual([2, 4]);
    expect(double.name).toBe('double (test)');
    expect(double.arity).toBe(1);
    expect(double.apply([scalar(3)], undefined).item()).toBe(6);
  });

  test('register: false keeps an op out of the registry', () => {
    expect(registry.has('double (test)')).toBe(false);
    expect(allOps()).not.toContain(double);
  });

  test('registered ops are listed by name', () => {
    expect(registry.get('tanh')).toBe(tanh);
    expect(allOps().map((op) => op.name)).toEqual(expect.arrayContaining(['add', 'matmul', 'gather', 'crossEntropy']));
  });

  test('a second op under a registered name is refused', () => {
    expect(() => defineOp({ ...tanh.spec })).toThrow(/'tanh' is already registered/);
  });

  test('a non-Tensor argument is a TypeError naming the op and the position', () => {
    expect(() => add(tensor([1]), 3 as unknown as Tensor)).toThrow(TypeError);
    expect(() => add(tensor([1]), 3 as unknown as Tensor)).toThrow(/^add: input 1 must be a Tensor, got a number \(3\)$/);
    expect(() => sum([1, 2] as unknown as Tensor)).toThrow(/^sum: input 0 must be a Tensor, got an array of length 2$/);
    expect(() => concat(tensor([1]) as unknown as Tensor[])).toThrow(/^concat: expected the tensor inputs as an array/);
  });

  test('the wrong number of tensors is a TypeError, in the singular for one', () => {
    expect(() => add.apply([tensor([1])], undefined)).toThrow(/^add: expected 2 tensor inputs, got 1$/);
    expect(() => tanh.apply([tensor([1]), tensor([2])], undefined)).toThrow(/^tanh: expected 1 tensor input, got 2$/);
  });

  test('a forward that returns something else than a Tensor is a TypeError naming the op', () => {
    const broken = defineOp({ ...double.spec, name: 'returns a number (test)', forward: () => 3 as unknown as Tensor });
    expect(() => broken(tensor([1]))).toThrow(TypeError);
    expect(() => broken(tensor([1]))).toThrow(/^returns a number \(test\): forward must return a Tensor, got a number \(3\)$/);
  });

  test('an output is never one of its inputs, so the tape cannot make a value its own parent', () => {
    const same = defineOp({ ...double.spec, name: 'identity (test)', forward: ([x]) => x });
    const x = tensor([1]);
    expect(same(x)).not.toBe(x);
    expect(same(x).data).toBe(x.data);
  });
});

describe('opTarget', () => {
  test('names the target after the op and its attributes', () => {
    expect(opTarget(sum, { axis: 1 }).name).toBe('sum {"axis":1}');
    expect(opTarget(tanh).name).toBe('tanh');
  });

  test('fills a null gradient with zeros of the input shape', () => {
    const [, ids] = opTarget(gather).vjp([tensor([[1, 2], [3, 4]]), tensor([1, 1])], tensor([[1, 1], [1, 1]]));
    expect(ids!.toArray()).toEqual([0, 0]);
  });

  test('reports a vjp rule that returns a wrong shape, naming the op', () => {
    const broken = defineOp({ ...add.spec, name: 'add without reduction (test)', register: false, vjp: (_i, _y, g) => [g, g] });
    expect(() => opTarget(broken).vjp([tensor([1, 2]), scalar(1)], tensor([1, 1]))).toThrow(
      'add without reduction (test): expected the vjp gradient for input 1 of shape [], got shape [2]',
    );
  });
});
