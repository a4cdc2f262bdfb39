import type { ModuleError, SkippedExport } from './json.js';
import { loadModule } from './load.js';
import { recognise } from './recognise.js';
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
    // The same value exported twice (`export default layerNorm` beside `export const layerNorm`) is checked once.
    const seen = new Map<unknown, string>();
    for (const [name, value] of Object.entries(loaded.namespace)) {
      const first = seen.get(value);
      if (first !== undefined) {
        found.skipped.push({ module, export: name, reason: `the same value as export ${first}` });
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
