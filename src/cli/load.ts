import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { frame, thrown } from './describe.js';

/** A loaded module's exports: their names, and a way to read each (a read may throw: a getter, a binding not yet initialised). */
export interface ModuleExports {
  names: string[];
  read(name: string): unknown;
}

export type Loaded = { exports: ModuleExports } | { error: string };

/** How Node runs a file: as an ES module or as CommonJS. */
type Format = 'module' | 'commonjs';

const TYPESCRIPT = ['.ts', '.mts', '.cts', '.tsx'];

/**
 * This file is TypeScript only when gradprop runs from its own sources, in a worker the pool
 * started with tsx's ES module loader; built, it is JavaScript and loads tsx only for a user's
 * TypeScript.
 */
const fromSources = import.meta.url.endsWith('.ts');

/**
 * Load a user's module as Node would run it — an ES module imported, CommonJS required — compiling
 * TypeScript with tsx, whatever the project's package.json says about "type". Never throws: a
 * module that cannot be loaded gets one paragraph saying which and why.
 */
export async function loadModule(file: string, module: string, cwd: string): Promise<Loaded> {
  const format = formatOf(file);
  try {
    if (TYPESCRIPT.includes(extname(file)) || fromSources) await typescript(format);
    if (format === 'module') {
      const namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      return { exports: { names: Object.keys(namespace), read: (name) => namespace[name] } };
    }
    return commonJsExports(createRequire(file)(file), module);
  } catch (error) {
    return { error: `${module} cannot be loaded, so none of its exports were checked: ${why(error, file, cwd)}` };
  }
}

/** Node's rule: .mjs/.mts and .cjs/.cts say so themselves; other files follow the nearest package.json's "type". */
function formatOf(file: string): Format {
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return 'module';
  if (extension === '.cjs' || extension === '.cts') return 'commonjs';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return packageType(manifest);
    if (dirname(dir) === dir) return 'commonjs';
  }
}

function packageType(manifest: string): Format {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
  } catch {
    return 'commonjs'; // Node names the broken package.json when the module is loaded
  }
}

let esmHooks: Promise<unknown> | undefined;
let cjsHooks = false;

/** tsx's loader for the format, registered once: TypeScript as ES modules, or required (and gradprop's own sources, required from CommonJS). */
async function typescript(format: Format): Promise<void> {
  if (format === 'module') {
    if (!fromSources) await (esmHooks ??= import('tsx/esm/api').then(({ register }) => register()));
    return;
  }
  if (!cjsHooks) {
    const { register } = await import('tsx/cjs/api');
    register();
    cjsHooks = true;
  }
}

/**
 * A CommonJS module's exports: the keys of `module.exports`, or, when it is a single function (an op
 * made with defineOp), that function as `default` — the name import() gives it.
 */
function commonJsExports(value: unknown, module: string): Loaded {
  if (typeof value === 'function') return { exports: { names: ['default'], read: () => value } };
  if (typeof value !== 'object' || value === null) return { exports: { names: [], read: () => undefined } };
  try {
    const exported = value as Record<string, unknown>;
    return { exports: { names: Object.keys(exported), read: (name) => exported[name] } };
  } catch (error) {
    return { error: `${module} was loaded, but the names of its exports could not be listed: listing module.exports threw ${thrown(error)}` };
  }
}

function why(error: unknown, file: string, cwd: string): string {
  const e = error as Error & { code?: string };
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') return `it imports a module that does not exist (${firstLine(e.message)})`;
  if (e?.name === 'TransformError') return `a syntax error (${e.message.replace(/^Transform failed with \d+ errors?:\n/, '').replaceAll(`${cwd}/`, '').replace(/\n+/g, ' ').trim()})`;
  if (e instanceof SyntaxError) return `a syntax error (${e.message}${syntaxLocation(file, cwd)})`;
  return `importing it threw ${thrown(error)}${frame(e, cwd)}`;
}

const firstLine = (text: string) => text.split('\n')[0]!;

/**
 * Node's SyntaxError for a JavaScript module carries no location; `node --check` prints it as
 * the first line of its report (file:line).
 */
function syntaxLocation(file: string, cwd: string): string {
  const { stderr } = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  const location = stderr.split('\n').find((line) => line.startsWith(file));
  return location ? ` at ${relative(cwd, file)}${location.slice(file.length)}` : '';
}
