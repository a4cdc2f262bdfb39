import type { ModuleError, SkippedExport } from './json.js';
import { loadModule } from './load.js';
import { recognise } from './recognise.js';
import { hasDomain, isOpLike, isSpec } from './shapes.js';
import type { Target } from './targets.js';

export interface Discovery {
  targets: Target[];
  skipped: SkippedExport[];
  moduleErrors: ModuleError[];
}

/**
 * The targets `gradprop check` finds in its modules: every export recognised by shape, in module
 * order then export order. A module that cannot be loaded is reported and the others still run.
 */
export async function discover(modules: readonly string[], cwd: string): Promise<Discovery> {
  const found: Discovery = { targets: [], skipped: [], moduleErrors: [] };
  for (const module of modules) {
    const loaded = await loadModule(module, cwd);
    if ('error' in loaded) {
      found.moduleErrors.push({ module, message: loaded.error });
      continue;
    }
    const entries = Object.entries(loaded.namespace);
    // A layer exported beside a spec that checks it needs no domain of its own.
    const specOf = new Map(entries.flatMap(([name, value]) => (isSpec(value) ? [[value.target, name] as const] : [])));
    // The same value exported twice (`export default layerNorm` beside `export const layerNorm`) is checked once.
    const seen = new Map<unknown, string>();
    for (const [name, value] of entries) {
      const first = seen.get(value);
      const spec = specOf.get(value);
      if (first !== undefined || (spec !== undefined && !isOpLike(value) && !hasDomain(value))) {
        found.skipped.push({ module, export: name, reason: first !== undefined ? `the same value as export ${first}` : `checked through the spec ${spec}` });
        continue;
      }
      if (typeof value === 'object' || typeof value === 'function') seen.set(value, name);
      const recognised = recognise(value, { id: name, module, pasteName: name });
      if ('skip' in recognised) found.skipped.push({ module, export: name, reason: recognised.skip });
      else found.targets.push(...recognised.targets);
    }
  }
  return found;
}
