/** Runs to render in the report's tests: synthetic results whose diagnostics are real. */
import { type Differentiable, diagnose } from '../check/index.js';
import { Tensor, randn } from '../tensor/index.js';
import type { ReportedLaw, ReportedRun, ReportedTarget } from './run.js';

/** f(x) = sin(x) ⊙ x, its vjp off by 30% at the flat entries listed. */
export function sinTimesX(wrong: readonly number[] = []): Differentiable {
  const df = (x: number) => Math.cos(x) * x + Math.sin(x);
  return {
    name: 'sin(x)·x',
    forward: ([x]) => new Tensor(x!.data.map((v) => Math.sin(v) * v), x!.shape),
    vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => df(v) * g.data[i]! * (wrong.includes(i) ? 1.3 : 1)), x!.shape)],
  };
}

export function law(name: string, verdict: string, more: Partial<ReportedLaw> = {}): ReportedLaw {
  return {
    law: name,
    verdict,
    cases: verdict === 'pass' ? 100 : 1,
    shrinks: 0,
    worst: null,
    evaluations: { forward: 10, vjp: 2, jvp: 0 },
    timeMs: 3,
    seed: 7,
    path: null,
    replay: null,
    message: null,
    counterexample: null,
    report: null,
    test: null,
    diagnostics: null,
    ...more,
  };
}

export function passingTarget(id: string): ReportedTarget {
  return { id, name: id, kind: 'op', module: null, verdict: 'pass', message: null, laws: [law('gradientsMatchFiniteDifferences', 'pass'), law('isPure', 'pass')] };
}

/** A target whose gradient law failed at `shape`-shaped input with the given entries wrong, diagnosed for real. */
export function failingTarget(id: string, shape: number[], wrong: readonly number[], diagnosed = sinTimesX(wrong)): ReportedTarget {
  const x = randn(shape, 11);
  const diagnostics = diagnose(diagnosed, [x], { seed: 3 });
  const worst = diagnostics.steps?.comparison ?? null;
  return {
    id,
    name: id,
    kind: 'differentiable',
    module: 'layers.ts',
    verdict: 'fail',
    message: null,
    laws: [
      law('gradientsMatchFiniteDifferences', 'fail', {
        shrinks: 4,
        worst,
        path: '0:1',
        replay: `npx gradprop check layers.ts --filter '^${id}$' --law gradientsMatchFiniteDifferences --seed 7 --path 0:1`,
        message: `layers.ts, export ${id}: gradientsMatchFiniteDifferences fails: vjp wrong`,
        counterexample: `[${x}]`,
        report: `gradcheck ${id}: FAIL`,
        diagnostics,
      }),
      law('isPure', 'pass'),
    ],
  };
}

export function runOf(targets: readonly ReportedTarget[], more: Partial<ReportedRun> = {}): ReportedRun {
  return {
    command: 'check',
    modules: ['layers.ts'],
    options: { runs: 100, seed: 7, mode: 'auto', filter: null, law: null, shard: null },
    exitCode: targets.some((t) => t.verdict !== 'pass') ? 1 : 0,
    durationMs: 1234,
    targets,
    skipped: [],
    moduleErrors: [],
    power: [],
    ...more,
  };
}
