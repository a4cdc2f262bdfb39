import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { frame, thrown } from './describe.js';

export type Loaded = { namespace: Record<string, unknown> } | { error: string };

/**
 * Import a TypeScript or JavaScript module (TypeScript through the tsx loader the bin registers).
 * Never throws: a module that cannot be loaded gets one paragraph saying which and why.
 */
export async function loadModule(module: string, cwd: string): Promise<Loaded> {
  const file = resolve(cwd, module);
  if (!existsSync(file)) return { error: `${module}: no such file (looked for ${file})` };
  if (statSync(file).isDirectory()) return { error: `${module} is a directory; pass module files, e.g. gradprop check ${module}/*.ts` };
  try {
    return { namespace: { ...(await import(pathToFileURL(file).href)) } };
  } catch (error) {
    return { error: `${module} cannot be loaded, so none of its exports were checked: ${why(error, file, cwd)}` };
  }
}

function why(error: unknown, file: string, cwd: string): string {
  const e = error as Error & { code?: string };
  if (e?.code === 'ERR_MODULE_NOT_FOUND') return `it imports a module that does not exist (${e.message})`;
  if (e?.name === 'TransformError') return `a syntax error (${e.message.replace(/^Transform failed with \d+ errors?:\n/, '').replaceAll(`${cwd}/`, '').replace(/\n+/g, ' ').trim()})`;
  if (e instanceof SyntaxError) return `a syntax error (${e.message}${syntaxLocation(file, cwd)})`;
  return `importing it threw ${thrown(error)}${frame(e, cwd)}`;
}

/**
 * Node's SyntaxError for a JavaScript module carries no location; `node --check` prints it as
 * the first line of its report (file:line).
 */
function syntaxLocation(file: string, cwd: string): string {
  const { stderr } = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  const location = stderr.split('\n').find((line) => line.startsWith(file));
  return location ? ` at ${relative(cwd, file)}${location.slice(file.length)}` : '';
}
