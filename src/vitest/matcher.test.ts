import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensorArb, tensorOf } from '../arbitraries/index.js';
import type { Differentiable } from '../check/index.js';
import { defineOp, matmul, neg, opTarget, sum, tanh } from '../ops/index.js';
import { Tensor, tensor } from '../tensor/index.js';
import { gradTest } from './index.js';
import { gradientMatcher } from './matcher.js';

const toHaveCorrectGradients = gradientMatcher('vitest');

/** tanh whose backward is wrong only where the input is below −0.5. */
const brokenTanh: Differentiable = {
  name: 'brokenTanh',
  forward: ([x]) => tanh(x!),
  vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => (v < -0.5 ? 2 : 1) * (1 - Math.tanh(v) ** 2) * g.data[i]!), x!.shape)],
};
const inputs = fc.tuple(tensorArb({ maxRank: 2 }));

/** tanh as a hand-written layer whose backward scales the gradient by `slope` (1 is right). */
const layer = (slope: number) => {
  let x: Tensor | undefined;
  return {
    forward: (input: Tensor) => ((x = input), tanh(input)),
    backward: (g: Tensor) => new Tensor(x!.data.map((v, i) => slope * (1 - Math.tanh(v) ** 2) * g.data[i]!), x!.shape),
  };
};

function failureMessage(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the matcher to fail');
}

describe('toHaveCorrectGradients', () => {
  test('passes a correct op at cases from its domain, at given tensors, and with .not a broken one', () => {
    expect(tanh).toHaveCorrectGradients();
    expect(opTarget(tanh)).toHaveCorrectGradients([tensor([[0.3, -2], [1, 0.5]])]);
    expect(brokenTanh).not.toHaveCorrectGradients(inputs);
    expect(brokenTanh).not.toHaveCorrectGradients([tensor([-1])]);
  });

  test('takes a plain function built from ops, checked through the engine', () => {
    const layer = (x: Tensor, w: Tensor) => sum(tanh(matmul(x, w)));
    expect(layer).toHaveCorrectGradients([tensor([[0.5, -1]]), tensor([[0.3], [0.7]])]);
    expect(layer).toHaveCorrectGradients(fc.tuple(tensorOf([2, 3]), tensorOf([3, 2])), { numRuns: 20 });
    const leaky = defineOp({ ...tanh.spec, name: 'tanh with sign slip', vjp: (xs, y, g, attrs) => tanh.spec.vjp(xs, y, neg(g), attrs), register: false });
    expect((x: Tensor) => sum(leaky(x))).not.toHaveCorrectGradients([tensor([0.5, -1])]);
  });

  test('takes a hand-written layer ({ forward, backward }), checked through fromLayer', () => {
    expect(layer(1)).toHaveCorrectGradients(fc.tuple(tensorOf([3])));
    expect(failureMessage(() => expect(layer(1.01)).toHaveCorrectGradients(fc.tuple(tensorOf([3]))))).toMatch(/^expected layer to have correct gradients, but vjp wrong at input 0/);
  });

  test('the replay line reproduces the same counterexample, and the pasted test fails the same way', () => {
    const message = failureMessage(() => expect(brokenTanh).toHaveCorrectGradients(inputs));
    const counterexample = /counterexample \(.*\): (.*)/.exec(message)![1]!;
    expect(counterexample).toMatch(/^\[tensor\(-?[\d.]+\)\]$/);
    const [, seed, path] = /replay: toHaveCorrectGradients\(<the same arbitrary>, \{ seed: (-?\d+), path: "([\d:]+)" \}\)/.exec(message)!;

    const replayed = failureMessage(() => expect(brokenTanh).toHaveCorrectGradients(inputs, { seed: Number(seed), path }));
    expect(/counterexample \(.*\): (.*)/.exec(replayed)![1]).toBe(counterexample);

    const pasted = /toHaveCorrectGradients\((\[tensor.*\]), \{ seed: (\d+) \}\)/.exec(message)!;
    const exactInputs = new Function('tensor', `return ${pasted[1]}`)(tensor) as Tensor[];
    expect(toHaveCorrectGradients(brokenTanh, exactInputs, { seed: Number(pasted[2]) }).pass).toBe(false);
    expect(toHaveCorrectGradients({ ...brokenTanh, vjp: (xs: readonly Tensor[], g: Tensor) => [new Tensor(xs[0]!.data.map((v, i) => (1 - Math.tanh(v) ** 2) * g.data[i]!), xs[0]!.shape)] }, exactInputs).pass).toBe(true);
  });

  test('the failure shows the report table', () => {
    const message = failureMessage(() => expect(brokenTanh).toHaveCorrectGradients(inputs));
    expect(message).toMatch(/gradcheck brokenTanh: FAIL/);
    expect(message).toMatch(/input\s+index\s+output\s+quantity\s+analytic\s+numeric/);
    // brokenTanh is this file's own: the pasted test says where it must come from.
    expect(message).toContain([
      'as a test of its own (a new file beside matcher.test.ts):',
      '// brokenTanh is declared in matcher.test.ts: export it from there and import it here, or paste this test into that file',
      "import { expect, test } from 'vitest';",
      "import 'gradprop/vitest';",
      "import { tensor } from 'gradprop';",
      '',
      'test("brokenTanh: shrunk counterexample", () => {',
    ].join('\n'));
  });

  test('shrinking stays with the failure found, and names another it met on the way', () => {
    // Wrong for negatives, and NaN at exactly zero: the NaN must not replace the bug being shown.
    const nanAtZero: Differentiable = { ...brokenTanh, forward: ([x]) => new Tensor(x!.data.map((v) => (v === 0 ? NaN : Math.tanh(v))), x!.shape) };
    const message = failureMessage(() => expect(nanAtZero).toHaveCorrectGradients(fc.tuple(tensorOf([2])), { seed: 5 }));
    expect(message).toMatch(/^expected brokenTanh to have correct gradients, but vjp wrong at input 0/);
    expect(message).toMatch(/\(shrinking also met a different failure and did not follow it: forward is not finite at the input: NaN at flat index \d of the output, at \[tensor\(\[[^\]]*\b0\b/);
  });

  test('says what it expected when given something it cannot check', () => {
    expect(failureMessage(() => expect({ forward: 1 }).toHaveCorrectGradients())).toMatch(/^expected an object with keys forward to have correct gradients, but it is not something gradprop can check: expected a Differentiable \(\{ name, forward, vjp \}\), an op made with defineOp, a layer \(\{ forward, backward \}\) or a function of tensors, got an object with keys forward/);
    expect(failureMessage(() => expect(opTarget(tanh)).toHaveCorrectGradients())).toMatch(/tanh: no inputs to check it at — pass an arbitrary of input lists, or give the target a domain/);
    expect(failureMessage(() => expect(opTarget(tanh)).toHaveCorrectGradients([1 as unknown as Tensor]))).toMatch(/expected an array of Tensors/);
  });

  test('takes an arbitrary made by another copy of fast-check (not an instance of ours)', () => {
    // the methods of a real arbitrary on a prototype of its own, as a second install would have them
    const foreign = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> => {
      const methods: Record<string, unknown> = {};
      for (let p = Object.getPrototypeOf(arb); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const key of Object.getOwnPropertyNames(p)) if (key !== 'constructor' && !(key in methods)) methods[key] = p[key];
      }
      return Object.assign(Object.create(methods), arb);
    };
    const inputs = foreign(fc.tuple(tensorOf([3])));
    expect(inputs instanceof fc.Arbitrary).toBe(false);
    expect(tanh).toHaveCorrectGradients(inputs);
    expect(failureMessage(() => expect(brokenTanh).toHaveCorrectGradients(inputs))).toMatch(/^expected brokenTanh to have correct gradients, but vjp wrong/);
  });

  test.each([
    ['a single tensor as inputs', () => expect(brokenTanh).toHaveCorrectGradients(tensor([1, 2]) as never), /got a single tensor of shape \[2\] \(write \[x\]: one tensor per input\)/],
    ['an arbitrary of single tensors', () => expect(brokenTanh).toHaveCorrectGradients(tensorOf([2]) as never), /brokenTanh: the inputs arbitrary must generate a list of tensors, one per input .* but it generated a single tensor of shape \[2\]/],
    ['an arbitrary of lists of numbers', () => expect(brokenTanh).toHaveCorrectGradients(fc.tuple(fc.constant([1, 2])) as never), /but it generated a list whose input 0 is not a tensor/],
    ['zero cases', () => expect(brokenTanh).toHaveCorrectGradients(inputs, { numRuns: 0 }), /numRuns must be a whole number of cases, at least 1, got 0/],
  ])('%s is refused with a message, not a crash or an empty pass', (_, run, expected) => {
    expect(failureMessage(run)).toMatch(expected);
  });

  test('warns about coverage classes that never occurred, when asked', () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (text: string) => warnings.push(text);
    try {
      expect(opTarget(tanh)).toHaveCorrectGradients(fc.tuple(tensorArb({ min: 0.1, max: 1, maxRank: 1 })), { coverage: true, numRuns: 30 });
    } finally {
      console.warn = warn;
    }
    expect(warnings).toContainEqual(expect.stringMatching(/gradprop coverage \(tanh\): no case had sign 'all negative'/));
  });
});

describe('.not: checked, and the gradients are wrong', () => {
  const throwingVjp: Differentiable = { ...brokenTanh, name: 'throwingVjp', vjp: () => { throw new Error('backward exploded'); } };
  const throwingForward: Differentiable = { ...brokenTanh, name: 'throwingForward', forward: () => { throw new Error('forward exploded'); } };
  const nanForward: Differentiable = { ...brokenTanh, name: 'nanForward', forward: ([x]) => new Tensor(x!.data.map(() => NaN), x!.shape) };

  test.each([
    ['null', () => expect(null).not.toHaveCorrectGradients(), /^expected null not to have correct gradients, but it could not be checked: it is not something gradprop can check: .* got null/],
    ['an object that is no subject', () => expect({ forward: 1 }).not.toHaveCorrectGradients(), /could not be checked: it is not something gradprop can check: .* got an object with keys forward/],
    ['a vjp that throws, at given inputs', () => expect(throwingVjp).not.toHaveCorrectGradients([tensor([0.5])]), /^expected throwingVjp not to have correct gradients, but it could not be checked: .*backward exploded/],
    ['a vjp that throws, at generated inputs', () => expect(throwingVjp).not.toHaveCorrectGradients(inputs), /^expected throwingVjp not to have correct gradients, but it could not be checked: .*backward exploded/],
    ['a forward that throws', () => expect(throwingForward).not.toHaveCorrectGradients([tensor([0.5])]), /could not be checked: .*forward exploded/],
    ['a forward that is NaN', () => expect(nanForward).not.toHaveCorrectGradients(inputs), /could not be checked: .*not finite/],
    ['inputs that are no tensors', () => expect(brokenTanh).not.toHaveCorrectGradients([1 as unknown as Tensor]), /could not be checked: expected an array of Tensors/],
    ['zero cases', () => expect(brokenTanh).not.toHaveCorrectGradients(inputs, { numRuns: 0 }), /could not be checked: numRuns must be a whole number/],
  ])('fails for %s, saying it could not be checked', (_, run, expected) => {
    expect(failureMessage(run)).toMatch(expected);
  });

  test('a check that cannot tell satisfies neither, and says so (sin(10¹²·x), whose phase turns a thousand times within the smallest step)', () => {
    const fastSine: Differentiable = {
      name: 'fastSine',
      forward: ([x]) => new Tensor(x!.data.map((v) => Math.sin(1e12 * v)), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => 1e12 * Math.cos(1e12 * v) * g.data[i]!), x!.shape)],
    };
    const at = [tensor([0.3, 3])];
    expect(failureMessage(() => expect(fastSine).not.toHaveCorrectGradients(at))).toMatch(/^expected fastSine not to have correct gradients, but cannot tell whether the derivatives are right — inconclusive at input 0/);
    expect(failureMessage(() => expect(fastSine).toHaveCorrectGradients(at))).toMatch(/^expected fastSine to have correct gradients, but cannot tell whether the derivatives are right — inconclusive at input 0.*\n\ngradcheck fastSine: INCONCLUSIVE/s);
  });

  test('the same subjects fail without .not too: an unchecked subject satisfies neither', () => {
    expect(failureMessage(() => expect(null).toHaveCorrectGradients())).toMatch(/^expected null to have correct gradients, but it is not something gradprop can check/);
    expect(failureMessage(() => expect(throwingVjp).toHaveCorrectGradients([tensor([0.5])]))).toMatch(/^expected throwingVjp to have correct gradients, but .*backward exploded/);
  });

  test('passes for a checked, wrong subject and fails for a correct one (the broken twins of the cases above)', () => {
    expect(brokenTanh).not.toHaveCorrectGradients([tensor([-1])]);
    expect(brokenTanh).not.toHaveCorrectGradients(inputs);
    expect(failureMessage(() => expect(tanh).not.toHaveCorrectGradients([tensor([-1])]))).toMatch(/^expected tanh not to have correct gradients, but they agree with finite differences at the given inputs/);
    expect(failureMessage(() => expect(tanh).not.toHaveCorrectGradients())).toMatch(/^expected tanh not to have correct gradients, but all 100 generated cases agree/);
  });
});

describe('gradTest', () => {
  gradTest('tanh has correct gradients (a test built by gradTest)', tanh, undefined, { numRuns: 30 });
  gradTest('a hand-written layer, as the matcher takes it', layer(1), fc.tuple(tensorOf([2])), { numRuns: 20 });
});
