// A TypeScript user's code across gradprop's public types, compiled under tsc --init's strict
// defaults (exactOptionalPropertyTypes, noUncheckedIndexedAccess) without skipLibCheck.
import fc from 'fast-check';
import {
  type CheckOptions,
  type Differentiable,
  type Domain,
  type GradCheckReport,
  type Layer,
  type Op,
  Tensor,
  checkGradients,
  defineOp,
  formatReport,
  fromLayer,
  grad,
  mul,
  sigmoid,
  sum,
  tensor,
  zoo,
} from 'gradprop';
import { type TensorArbitrary, tensorOf } from 'gradprop/arbitraries';
import { type Law, gradientsMatchFiniteDifferences } from 'gradprop/laws';
import { type PowerReport, checkPower, formatPowerReport } from 'gradprop/power';
import { type GradientAssertionOptions, GradientAssertionError, assertGradients } from 'gradprop/assert';
import type { LawResult, RunResult } from 'gradprop/cli';

const domain: Domain = { sample: (draw) => ({ inputs: [draw.tensor(draw.shape({ maxRank: 2 }))], attrs: undefined }) };

export const square: Differentiable & { domain: Domain } = {
  name: 'square',
  domain,
  forward: ([x]) => new Tensor(x!.data.map((v) => v * v), x!.shape),
  vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => 2 * v * g.data[i]!), x!.shape)],
};

export class Scale implements Layer {
  private input: Tensor | undefined;
  constructor(private readonly factor: number) {}
  forward(x: Tensor): Tensor {
    this.input = x;
    return new Tensor(x.data.map((v) => this.factor * v), x.shape);
  }
  backward(dy: Tensor): Tensor {
    if (!this.input) throw new Error('backward before forward');
    return new Tensor(dy.data.map((g) => this.factor * g), dy.shape);
  }
}

export const softplus: Op<1> = defineOp({
  name: 'softplus',
  arity: 1,
  forward: ([x]) => new Tensor(x.data.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))), x.shape),
  vjp: ([x], _y, g) => [mul(g, sigmoid(x))],
  jvp: ([x], _y, [t]) => mul(t, sigmoid(x)),
  domain,
});

const options: CheckOptions = { mode: 'full', seed: 1 };
const report: GradCheckReport = checkGradients(square, [tensor([0.5, -2])], options);
const layered: GradCheckReport = checkGradients(fromLayer(new Scale(3)), [tensor([1, 2])]);
const inputs: TensorArbitrary = tensorOf([2, 3]);
const law: Law = gradientsMatchFiniteDifferences(softplus, fc.tuple(inputs));
const power: PowerReport = checkPower(square, undefined, { numRuns: 10 });
const assertion: GradientAssertionOptions = { numRuns: 10, seed: 3 };
const gradient: Tensor = grad((x: Tensor) => sum(softplus(x)))(tensor([1, 2]));
const model = zoo.elman.configure({ input: 2, hidden: 3, output: 1, steps: 2 });
const result: Pick<RunResult, 'exitCode'> & { laws?: LawResult[] } = { exitCode: 0 };

assertGradients(square, undefined, assertion);
try {
  assertGradients({ ...square, vjp: ([x]) => [x!] });
} catch (error) {
  if (!(error instanceof GradientAssertionError)) throw error;
  console.log(error.outcome, error.report?.verdict);
}
fc.assert(law, { numRuns: 10 });
console.log(formatReport(report), layered.ok, formatPowerReport(power), gradient.shape, model.paramNames, result.exitCode);
