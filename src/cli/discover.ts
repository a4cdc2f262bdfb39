import { thrown } from './describe.js';
import type { SkippedExport } from './json.js';
import type { ModuleExports } from './load.js';
import { recognise } from './recognise.js';
import { hasDomain, isOpLike, isSpec } from './shapes.js';
import type { Target } from './targets.js';

export interface Discovery {
  targets: Target[];
  skipped: SkippedExport[];
}

/**
 * The targets a module's exports make, recognised by shape, in export order. An export that throws
 * when read (a getter, a binding not yet initialised) or when its shape is told (a Proxy, a hostile
 * getter) is listed as skipped with what it threw; the others are checked.
 */
export function discover(module: string, exports: ModuleExports): Discovery {
  const found: Discovery = { targets: [], skipped: [] };
  const skip = (name: string, reason: string) => found.skipped.push({ module, export: name, reason });
  const values: [string, unknown][] = [];
  for (const name of exports.names) {
    try {
      values.push([name, exports.read(name)]);
    } catch (error) {
      skip(name, `reading it threw ${thrown(error)}`);
    }
  }
  // A layer exported beside a spec that checks it needs no domain of its own.
  const specOf = new Map<unknown, string>();
  for (const [name, value] of values) {
    const target = attempt(() => (isSpec(value) ? value.target : undefined));
    if (target !== undefined) specOf.set(target, name);
  }
  // The same value exported twice (`export default layerNorm` beside `export const layerNorm`) is checked once.
  const seen = new Map<unknown, string>();
  for (const [name, value] of values) {
    try {
      const first = seen.get(value);
      const spec = specOf.get(value);
      if (first !== undefined || (spec !== undefined && !isOpLike(value) && !hasDomain(value))) {
        skip(name, first !== undefined ? `the same value as export ${first}` : `checked through the spec ${spec}`);
        continue;
      }
      if (typeof value === 'object' || typeof value === 'function') seen.set(value, name);
      const recognised = recognise(value, { id: name, module, pasteName: name });
      if ('skip' in recognised) skip(name, recognised.skip);
      else found.targets.push(...recognised.targets);
    } catch (error) {
      skip(name, `inspecting it threw ${thrown(error)}`);
    }
  }
  return found;
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined; // the export's own turn in the loop below names what it throws
  }
}
