import fc from 'fast-check';
import { describeValue } from '../autodiff/index.js';
import { checkGradients, fromLayer, isLayer } from '../check/index.js';
import type { Subject } from '../laws/index.js';
import { type Tensor, isTensor } from '../tensor/index.js';
import { modelLaws, subjectLaws } from './laws.js';
import { layoutOf, modelInputs, modelTarget } from './models.js';
import { isArbitrary } from '../arbitraries/index.js';
import { type ModelLike, type Spec, hasDomain, isDifferentiable, isModel, isOpLike, isSpec, isTensorList } from './shapes.js';
import type { Kind, Target } from './targets.js';
import { CHECKABLE, thrown, where } from './describe.js';

/** Where a value came from: its target id, the module that exports it, and its name in user code. */
export interface Origin {
  id: string;
  module?: string;
  /** The identifier a paste-ready test can pass to expect(). */
  pasteName?: string;
}

/** The targets a value makes, or why it is not something to check. */
export type Recognised = { targets: Target[] } | { skip: string };

/**
 * Recognise a value by its shape. Telling its shape may throw (a getter, a Proxy): that reaches the
 * caller, which lists the export as skipped. Preparing a recognised target never throws: a target
 * that breaks while prepared is a target with an error.
 */
export function recognise(value: unknown, origin: Origin): Recognised {
  const prepare = preparation(value);
  if (prepare === undefined) return { skip: whyNot(value) };
  try {
    return { targets: prepare(origin) };
  } catch (error) {
    return { targets: [broken(origin, origin.id, 'differentiable', `could not be prepared for checking: it threw ${thrown(error)}`)] };
  }
}

function preparation(value: unknown): ((origin: Origin) => Target[]) | undefined {
  if (isOpLike(value)) return (origin) => [subjectTarget(origin, 'op', value)];
  if (isModel(value)) return (origin) => modelTargets(origin, value);
  if (isDifferentiable(value)) return (origin) => [subjectTarget(origin, 'differentiable', value)];
  if (isSpec(value)) return (origin) => [specTarget(origin, value)];
  return undefined;
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
  if (isTensorList(inputs)) return { ...subjectTarget(specOrigin, 'spec', target, fc.constant(inputs)), fixedInputs: true };
  if (isArbitrary(inputs)) return subjectTarget(specOrigin, 'spec', target, inputs);
  if (Array.isArray(inputs)) return broken(origin, name, 'spec', `is a spec whose ${inputsProblem(name, inputs)}`);
  return broken(origin, name, 'spec', `is a spec whose inputs are ${describeValue(inputs)}; expected a list of tensors or a fast-check arbitrary of tensor lists`);
}

/**
 * What is wrong with a list that is not all tensors, in checkGradients' own words (with its hint for
 * nested arrays). It checks the inputs before calling the target, so a stand-in target is enough.
 */
function inputsProblem(name: string, inputs: unknown[]): string {
  const never = (): never => {
    throw new Error('gradprop: checkGradients called a target while checking its inputs');
  };
  const { message } = checkGradients({ name, forward: never, vjp: never }, inputs as Tensor[]);
  return message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
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

/** A value that is not checkable, in a few words: "a function (helper)", "an object with keys a, b". */
function describeExport(value: unknown): string {
  if (typeof value === 'function') {
    const kind = /^class\b/.test(Function.prototype.toString.call(value)) ? 'a class' : 'a function';
    return value.name ? `${kind} (${value.name})` : kind;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isTensor(value)) {
    const constructor = Object.getPrototypeOf(value)?.constructor as { name?: string } | undefined;
    if (constructor && constructor !== Object && constructor.name) return `an instance of ${constructor.name}`;
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an object with no keys' : `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
  }
  return describeValue(value);
}
