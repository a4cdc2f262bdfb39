import { allOps } from '../ops/index.js';
import { zoo } from '../zoo/index.js';
import { recognise } from './recognise.js';
import type { Target } from './targets.js';

/**
 * What `gradprop verify` checks: every registered op (`ops/<name>`) and every zoo model
 * (`zoo/<name>`, and `zoo/<name>.manualGrad` for a hand-written backward). The registry and the
 * zoo are the lists; nothing here names an op or a model.
 */
export function verifyTargets(): Target[] {
  const ops = allOps().map((op) => ({ value: op, origin: { id: `ops/${op.name}`, pasteName: op.name } }));
  const models = Object.values(zoo).map((model) => ({ value: model, origin: { id: `zoo/${model.name}` } }));
  return [...ops, ...models].flatMap(({ value, origin }) => {
    const recognised = recognise(value, origin);
    if ('skip' in recognised) throw new Error(`gradprop verify: ${origin.id} is not checkable (${recognised.skip}) — a gradprop bug`);
    return recognised.targets;
  });
}
