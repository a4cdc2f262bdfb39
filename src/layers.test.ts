/**
 * DESIGN.md's layer rule, read off the source: a folder of src/ is a layer, and each imports only
 * the layers above it in this list — so src/check never reaches the engine (the second order's
 * contract, vjpTarget, exists for that), and src/tfjs, an adapter, is imported by no other layer.
 * Tests may reach further (an op's test draws its inputs from src/arbitraries): only the library's
 * own files are held to it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const LAYERS = ['tensor', 'check', 'autodiff', 'ops', 'arbitraries', 'laws', 'zoo', 'optim', 'power', 'vitest', 'tfjs', 'report', 'cli'];
/** Adapters for other libraries: thin layers nothing else imports. */
const ADAPTERS = new Set(['tfjs']);

const src = import.meta.dirname;

/** Every import of another layer in `text`, a file of layer `layer`, that the rule forbids. */
function violations(layer: string, text: string): string[] {
  const rank = LAYERS.indexOf(layer);
  const imported = [...text.matchAll(/(?:from|import)\s*\(?\s*'\.\.\/([\w-]+)\//g)].map((m) => m[1]!);
  return [...new Set(imported)].filter((other) => {
    const at = LAYERS.indexOf(other);
    return at < 0 || at >= rank || (ADAPTERS.has(other) && other !== layer);
  });
}

function libraryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !/\.(test|prop|chromium)\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the layers', () => {
  test('every folder of src/ is a layer in the list', () => {
    const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual([...LAYERS].sort());
  });

  test('each layer imports only the layers above it, and no layer imports an adapter', () => {
    const broken = LAYERS.flatMap((layer) =>
      libraryFiles(join(src, layer)).flatMap((file) => violations(layer, readFileSync(file, 'utf8')).map((other) => `${relative(src, file)} imports src/${other}`)),
    );
    expect(broken).toEqual([]);
  });

  test('broken twins: the checker importing the engine, a layer importing one below it, and an adapter imported, are each found', () => {
    expect(violations('check', "import type { Tape } from '../autodiff/tape.js';")).toEqual(['autodiff']);
    expect(violations('ops', "import { opInputs } from '../arbitraries/index.js';\nimport { Tensor } from '../tensor/index.js';")).toEqual(['arbitraries']);
    expect(violations('cli', "const tf = await import('../tfjs/index.js');")).toEqual(['tfjs']);
    expect(violations('laws', "import { x } from '../nowhere/x.js';")).toEqual(['nowhere']);
  });
});
