import fc from 'fast-check';
import { asDifferentiable, vjp } from '../src/autodiff/index.js';
import { checkGradients, formatReport } from '../src/check/index.js';
import * as ops from '../src/ops/index.js';
import { Tensor, randn, scalar } from '../src/tensor/index.js';

/**
 * Engine laws over random expression graphs. The graph is data (so fast-check can shrink and print
 * it) and is evaluated against a table of ops, so a broken twin can be swapped in for one of them.
 */

export type OpTable = Pick<
  typeof ops,
  'tanh' | 'sigmoid' | 'exp' | 'neg' | 'square' | 'softmax' | 'logSoftmax' | 'add' | 'sub' | 'mul' | 'div' | 'matmul' | 'sum' | 'mean' | 'reshape' | 'concat' | 'slice'
>;
export const engineOps: OpTable = ops;

const UNARY = ['tanh', 'sigmoid', 'expTanh', 'neg', 'softmax', 'logSoftmax', 'flatten', 'doubled'] as const;
const BINARY = ['add', 'sub', 'mul', 'div'] as const;
const REDUCE = ['sum', 'mean'] as const;

export type Step =
  | { op: (typeof UNARY)[number]; arg: number; axis: number }
  | { op: (typeof BINARY)[number]; arg: number; other: number }
  | { op: 'matmul'; arg: number }
  | { op: (typeof REDUCE)[number]; arg: number; axis: number };

/**
 * Values 0..leaves-1 are inputs of shape [rows, cols]; step i makes value leaves + i from earlier
 * values, so a value is reused whenever two steps pick it. A weight [cols, cols] is the last input.
 */
export interface Dag {
  rows: number;
  cols: number;
  leaves: number;
  steps: Step[];
}

export const dags: fc.Arbitrary<Dag> = fc.gen().map((g) => {
  const rows = g(fc.integer, { min: 1, max: 3 });
  const cols = g(fc.integer, { min: 1, max: 3 });
  const leaves = g(fc.integer, { min: 1, max: 3 });
  const shapes: number[][] = Array.from({ length: leaves }, () => [rows, cols]);
  const choose = (fits: (shape: number[]) => boolean = () => true): number => {
    const candidates = shapes.map((shape, i) => (fits(shape) ? i : -1)).filter((i) => i >= 0);
    return candidates[g(fc.integer, { min: 0, max: candidates.length - 1 })]!;
  };
  const steps: Step[] = [];
  const count = g(fc.integer, { min: 1, max: 8 });
  for (let s = 0; s < count; s++) {
    const kind = g(fc.constantFrom, 'unary', 'binary', 'matmul', 'reduce');
    const arg = choose(kind === 'matmul' ? (shape) => shape[1] === cols : undefined);
    const shape = shapes[arg]!;
    if (kind === 'unary') {
      steps.push({ op: g(fc.constantFrom, ...UNARY), arg, axis: g(fc.integer, { min: 0, max: 1 }) });
      shapes.push(shape);
    } else if (kind === 'binary') {
      const other = choose();
      steps.push({ op: g(fc.constantFrom, ...BINARY), arg, other });
      shapes.push(shape.map((side, i) => Math.max(side, shapes[other]![i]!)));
    } else if (kind === 'matmul') {
      steps.push({ op: 'matmul', arg });
      shapes.push(shape);
    } else {
      const axis = g(fc.integer, { min: 0, max: 1 });
      steps.push({ op: g(fc.constantFrom, ...REDUCE), arg, axis });
      shapes.push(shape.map((side, i) => (i === axis ? 1 : side)));
    }
  }
  return { rows, cols, leaves, steps };
});

/** The graph as an engine function of its inputs (the leaves, then the weight); its last value is the output. */
export function evaluate(dag: Dag, t: OpTable = engineOps): (...inputs: Tensor[]) => Tensor {
  const one = scalar(1);
  return (...inputs) => {
    const weight = inputs[dag.leaves]!;
    const values = inputs.slice(0, dag.leaves);
    for (const step of dag.steps) {
      const x = values[step.arg]!;
      values.push(apply(t, step, x, weight, one, values));
    }
    return values[values.length - 1]!;
  };
}

function apply(t: OpTable, step: Step, x: Tensor, weight: Tensor, one: Tensor, values: Tensor[]): Tensor {
  switch (step.op) {
    case 'tanh':
    case 'sigmoid':
    case 'neg':
      return t[step.op](x);
    // bounded, so that a long chain of steps cannot overflow
    case 'expTanh':
      return t.exp(t.tanh(x));
    case 'softmax':
    case 'logSoftmax':
      return t[step.op](x, step.axis);
    // reshape shares its data, so gradients that alias one another reach the accumulator
    case 'flatten':
      return t.reshape(t.reshape(x, [-1]), x.shape);
    // x used twice through concat and slice: 2x
    case 'doubled': {
      const side = x.shape[step.axis]!;
      const both = t.concat([x, x], step.axis);
      return t.add(t.slice(both, { axis: step.axis, start: 0, end: side }), t.slice(both, { axis: step.axis, start: side }));
    }
    case 'add':
    case 'sub':
    case 'mul':
      return t[step.op](x, values[step.other]!);
    // kept away from the pole: the denominator is at least 1
    case 'div':
      return t.div(x, t.add(t.square(values[step.other]!), one));
    case 'matmul':
      return t.matmul(x, weight);
    case 'sum':
    case 'mean':
      return t[step.op](x, { axis: step.axis, keepdims: true });
  }
}

export function dagInputs(dag: Dag, seed: number): Tensor[] {
  const leaves = Array.from({ length: dag.leaves }, (_, i) => randn([dag.rows, dag.cols], seed + i));
  return [...leaves, randn([dag.cols, dag.cols], seed + dag.leaves)];
}

const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** The engine's gradients of a random graph agree with finite differences, every entry. */
export function dagGradientsMatchDifferences(t: OpTable = engineOps): fc.IPropertyWithHooks<[Dag, number]> {
  return fc.property(dags, seeds, (dag, seed) => {
    const report = checkGradients(asDifferentiable('expression graph', evaluate(dag, t)), dagInputs(dag, seed), { mode: 'full', seed });
    if (report.verdict !== 'pass') throw new Error(formatReport(report));
  });
}

/** Two backward passes from the same cotangent give the same gradients, bit for bit. */
export function backwardIsRepeatable(t: OpTable = engineOps): fc.IPropertyWithHooks<[Dag, number]> {
  return fc.property(dags, seeds, (dag, seed) => {
    const f = evaluate(dag, t);
    const inputs = dagInputs(dag, seed);
    const cotangent = randn(f(...inputs).shape, seed + 100);
    const [first, second] = [vjp(f, inputs, cotangent).grads, vjp(f, inputs, cotangent).grads];
    first.forEach((g, k) => {
      const i = g.data.findIndex((x, j) => !Object.is(x, second[k]!.data[j]));
      if (i >= 0) throw new Error(`input ${k}, flat index ${i}: ${g.data[i]} on the first backward pass, ${second[k]!.data[i]} on the second`);
    });
  });
}

/** How the i-th use of a value reaches the graph: as itself, unless a twin says otherwise. */
export type Reuse = (x: Tensor, use: number) => Tensor;

const USES = ['tanh', 'sigmoid', 'square', 'neg', 'softmax'] as const;

/**
 * A value used k times gets the sum of its k contributions: the vjp of Σ_i w_i f_i(x) equals the
 * sum of the vjps of each w_i f_i(x) alone (a random cotangent, never all ones).
 */
export function usesAreSummed(reuse: Reuse = (x) => x): fc.IPropertyWithHooks<[(typeof USES)[number][], number]> {
  const uses = fc.array(fc.constantFrom(...USES), { minLength: 1, maxLength: 5 });
  return fc.property(uses, seeds, (fs, seed) => {
    const x = randn([2, 3], seed);
    const v = randn([2, 3], seed + 1);
    const weights = fs.map((_, i) => scalar(0.5 + i));
    const term = (xi: Tensor, i: number) => ops.mul(weights[i]!, ops[fs[i]!](xi));
    const together = vjp((xi: Tensor) => fs.map((_, i) => term(reuse(xi, i), i)).reduce((a, b) => ops.add(a, b)), [x], v).grads[0]!;
    const alone = fs.map((_, i) => vjp((xi: Tensor) => term(xi, i), [x], v).grads[0]!);
    together.data.forEach((g, j) => {
      const expected = alone.reduce((total, a) => total + a.data[j]!, 0);
      if (!(Math.abs(g - expected) <= 1e-12 * (1 + Math.abs(expected)))) {
        throw new Error(`flat index ${j}: the engine gave ${g}, the ${fs.length} contributions sum to ${expected}`);
      }
    });
  });
}

/** A reuse the engine cannot see: every use after the first goes through a copy made outside the ops. */
export const hiddenReuse: Reuse = (x, use) => (use === 0 ? x : new Tensor(Float64Array.from(x.data), x.shape));
