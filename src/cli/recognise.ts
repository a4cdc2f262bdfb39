import fc from 'fast-check';
import { describeValue } from '../autodiff/index.js';
import { fromLayer, isLayer } from '../check/index.js';
import type { Subject } from '../laws/index.js';
import type { Tensor } from '../tensor/index.js';
import { modelLaws, subjectLaws } from './laws.js';
import { layoutOf, modelInputs, modelTarget } from './models.js';
import { isArbitrary } from '../arbitraries/index.js';
import { type ModelLike, type Spec, hasDomain, isDifferentiable, isModel, isOpLike, isSpec, isTensorList } from './shapes.js';
import type { Kind, Target } from './targets.js';
import { describeExport, thrown, where } from './describe.js';

/** Where a value came from: its target id, the module that exports it, and its name in user code. */
export interface Origin {
  id: string;
  module?: string;
  /** The identifier a paste-ready test can pass to expect(). */
  pasteName?: string;
}

/** The targets a value makes, or why it is not something to check. */
export type Recognised = { targets: Target[] } | { skip: string };

/** What `gradprop check` can check, in the words of its messages. */
export const CHECKABLE = 'an op made with defineOp, a Differentiable, a model or a spec { target, inputs }';

/** Recognise a value by its shape. Never throws: a value that breaks while inspected is a target with an error. */
export function recognise(value: unknown, origin: Origin): Recognised {
  try {
    if (isOpLike(value)) return { targets: [subjectTarget(origin, 'op', value)] };
    if (isModel(value)) return { targets: modelTargets(origin, value) };
    if (isDifferentiable(value)) return { targets: [subjectTarget(origin, 'differentiable', value)] };
    if (isSpec(value)) return { targets: [specTarget(origin, value)] };
  } catch (error) {
    return { targets: [broken(origin, origin.id, 'differentiable', `could not be prepared for checking: it threw ${thrown(error)}`)] };
  }
  return { skip: whyNot(value) };
}

function whyNot(value: unknown): string {
  const what = describeExport(value);
  if (isLayer(value)) {
    return `${what}: a layer with forward and backward, and no inputs to check it at — export a spec { target: <this layer>, inputs } with inputs a fast-check arbitrary of tensor lists, e.g. fc.tuple(tensorOf([3]))`;
  }
  if (typeof value === 'function') return `${what}, not an op made with defineOp`;
  const missing = ['name', 'forward', 'vjp'].filter((key) => !(typeof value === 'object' && value !== null && key in value));
  if (missing.length > 0 && missing.length < 3) return `${what}: not a Differentiable, which needs name, forward and vjp (missing ${missing.join(', ')})`;
  return `${what}, not ${CHECKABLE}`;
}

function subjectTarget(origin: Origin, kind: Kind, subject: Subject, inputs?: fc.Arbitrary<Tensor[]>): Target {
  if (!inputs && !isOpLike(subject) && !hasDomain(subject)) {
    return broken(
      origin,
      subject.name,
      kind,
      `is a Differentiable ('${subject.name}') with no inputs to check it at and no domain to draw them from. ` +
        `Export a spec instead — { target: ${origin.id}, inputs } with inputs a list of tensors, e.g. [tensor([0.5, -1])], ` +
        `or a fast-check arbitrary of such lists, e.g. fc.tuple(tensorOf([3])) — or give the target a domain ({ sample(draw) { … } }) as defineOp does.`,
    );
  }
  return { ...base(origin, subject.name, kind), laws: subjectLaws(subject, inputs), power: inputs ? { subject, inputs } : { subject } };
}

function specTarget(origin: Origin, spec: Spec): Target {
  const { inputs } = spec;
  const target = isLayer(spec.target) ? fromLayer(spec.target) : spec.target;
  const name = isDifferentiable(target) || isOpLike(target) ? target.name : origin.id;
  if (!isDifferentiable(target) && !isOpLike(target)) {
    return broken(origin, name, 'spec', `is a spec whose target is ${describeValue(target)}; expected an op made with defineOp, a Differentiable ({ name, forward, vjp }) or a layer ({ forward, backward })`);
  }
  // No paste-ready test: the spec, not its target, is what the module exports by this name.
  const { pasteName: _, ...specOrigin } = origin;
  if (inputs === undefined) return subjectTarget(specOrigin, 'spec', target);
  if (isTensorList(inputs)) return subjectTarget(specOrigin, 'spec', target, fc.constant(inputs));
  if (isArbitrary(inputs)) return subjectTarget(specOrigin, 'spec', target, inputs);
  return broken(origin, name, 'spec', `is a spec whose inputs are ${describeValue(inputs)}; expected a list of tensors or a fast-check arbitrary of tensor lists`);
}

function modelTargets({ pasteName: _, ...origin }: Origin, model: ModelLike): Target[] {
  // No paste-ready test: the checked target is built from the model, not something user code can pass to expect().
  const layout = layoutOf(model);
  if (typeof layout === 'string') return [broken(origin, model.name, 'model', `is a model ('${model.name}') that cannot be checked: ${layout}`)];
  const { engine, manual } = modelLaws(layout);
  const engineTarget: Target = { ...base(origin, model.name, 'model'), laws: engine, power: { subject: modelTarget(layout, 'engine'), inputs: modelInputs(layout) } };
  if (!manual) return [engineTarget];
  const manualOrigin = { id: `${origin.id}.manualGrad`, ...(origin.module === undefined ? {} : { module: origin.module }) };
  return [engineTarget, { ...base(manualOrigin, `${model.name} (manualGrad)`, 'model'), laws: manual, power: { subject: modelTarget(layout, 'manualGrad'), inputs: modelInputs(layout) } }];
}

function base(origin: Origin, name: string, kind: Kind): Omit<Target, 'laws'> {
  return {
    id: origin.id,
    name,
    kind,
    ...(origin.module === undefined ? {} : { module: origin.module }),
    ...(origin.pasteName === undefined ? {} : { pasteName: origin.pasteName }),
  };
}

/** A target that cannot be checked: no laws, and a paragraph naming it and saying why. */
function broken(origin: Origin, name: string, kind: Kind, why: string): Target {
  return { ...base(origin, name, kind), laws: [], error: `${where(origin)} ${why}` };
}
