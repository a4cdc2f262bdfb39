/** The laws the CLI runs on each kind of target. */
import type fc from 'fast-check';
import { bpttSumsOverTimeSteps } from '../laws/bptt.js';
import { type Law, type LawOptions, type Subject, gradientsMatchFiniteDifferences, isPure, jvpMatchesVjp, sgdStepDescends } from '../laws/index.js';
import type { Tensor } from '../tensor/index.js';
import { counted } from './counted.js';
import { type ModelLayout, modelInputs, modelTarget, recurrentCases } from './models.js';
import { isOpLike, isRecurrent } from './shapes.js';
import type { LawRun, Probe } from './targets.js';

type LawOf = (subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, options?: LawOptions) => Law;

function lawRun(law: string, subject: Subject, inputs: fc.Arbitrary<Tensor[]> | undefined, make: (probe: Probe) => LawOf): LawRun {
  return { law, property: (probe) => make(probe)(counted(subject, probe.evaluations), inputs, probe.options) };
}

/** `maxOrder` 1 for a hand-written backward, which has no second-order rule: --order 2 checks it at first order. */
const gradients = (subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, maxOrder: 1 | 2 = 2) =>
  lawRun('gradientsMatchFiniteDifferences', subject, inputs, (p) => (s, i, options) =>
    gradientsMatchFiniteDifferences(s, i, { ...options, order: Math.min(options?.order ?? 1, maxOrder) as 1 | 2, onReport: p.observe }));
const purity = (subject: Subject, inputs?: fc.Arbitrary<Tensor[]>) => lawRun('isPure', subject, inputs, () => isPure);
const descent = (subject: Subject, inputs?: fc.Arbitrary<Tensor[]>) => lawRun('sgdStepDescends', subject, inputs, () => sgdStepDescends);

/** An op or a Differentiable: gradients against finite differences, jvp/vjp duality, purity. */
export function subjectLaws(subject: Subject, inputs?: fc.Arbitrary<Tensor[]>): LawRun[] {
  const jvp = isOpLike(subject) || typeof subject.jvp === 'function';
  return [
    gradients(subject, inputs),
    jvp ? lawRun('jvpMatchesVjp', subject, inputs, () => jvpMatchesVjp) : { law: 'jvpMatchesVjp', skip: 'the target has no jvp' },
    purity(subject, inputs),
  ];
}

/**
 * A model, differentiated by the engine: the subject laws, SGD descent, and for a recurrent model
 * BPTT summing over time steps. With a hand-written manualGrad: that backward's own laws.
 */
export function modelLaws(layout: ModelLayout): { engine: LawRun[]; manual?: LawRun[] } {
  const inputs = modelInputs(layout);
  const engine = modelTarget(layout, 'engine');
  const { model } = layout;
  const laws = [...subjectLaws(engine, inputs), descent(engine, inputs)];
  if (isRecurrent(model)) {
    laws.push({
      law: 'bpttSumsOverTimeSteps',
      property: ({ evaluations }) =>
        bpttSumsOverTimeSteps(recurrentCases(model), {
          lossAndGrad: (params, batch) => (evaluations.forward++, evaluations.vjp++, model.lossAndGrad(params, batch)),
        }),
    });
  }
  if (typeof model.manualGrad !== 'function') return { engine: laws };
  const manual = modelTarget(layout, 'manualGrad');
  return { engine: laws, manual: [gradients(manual, inputs, 1), purity(manual, inputs), descent(manual, inputs)] };
}
