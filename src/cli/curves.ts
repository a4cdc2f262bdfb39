/** verify's pictures of the zoo learning: each checked model's loss curve and, if recurrent, its gradient over time. */
import { type ModelCurves, modelCurves } from '../optim/index.js';
import { zoo } from '../zoo/index.js';

/** The curves of the zoo models among the checked targets, in the zoo's order. */
export function verifyCurves(targets: readonly { id: string }[], seed: number): (ModelCurves & { id: string })[] {
  const checked = new Set(targets.map((t) => t.id));
  return Object.values(zoo).flatMap((model) => {
    const id = `zoo/${model.name}`;
    return checked.has(id) || checked.has(`${id}.manualGrad`) ? [{ id, ...modelCurves(model, { seed }) }] : [];
  });
}
