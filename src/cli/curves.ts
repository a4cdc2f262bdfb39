/** verify's pictures of the zoo learning: each checked model's loss curve and, if recurrent, its gradient over time. */
import { type ModelCurves, modelCurves } from '../optim/index.js';
import { zoo } from '../zoo/index.js';

/** A zoo model's curves, under the id of its target. */
export type VerifyCurves = ModelCurves & { id: string };

/** The zoo models (by name) among the checked targets, in the zoo's order: a model counts when its target or its manualGrad twin is checked. */
export function curvedModels(targets: readonly { id: string }[]): string[] {
  const checked = new Set(targets.map((t) => t.id));
  return Object.values(zoo)
    .map((model) => model.name)
    .filter((name) => checked.has(`zoo/${name}`) || checked.has(`zoo/${name}.manualGrad`));
}

/** One zoo model's curves; a worker draws them while others run laws. */
export function curvesOf(name: string, seed: number): VerifyCurves {
  const model = Object.values(zoo).find((m) => m.name === name);
  if (!model) throw new Error(`no zoo model is named ${name} (the zoo has ${Object.values(zoo).map((m) => m.name).join(', ')})`);
  return { id: `zoo/${name}`, ...modelCurves(model, { seed }) };
}
