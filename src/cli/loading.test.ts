/**
 * `gradprop check` on modules in every format, in projects of both package types, each module
 * importing `gradprop` by its package name from the project's own node_modules (linked to this
 * checkout): fixtures/cli/formats/. Every module's wrong layer must be named, every correct one
 * must pass — a module that did not load would show as neither.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunResult } from './json.js';
import { gradprop, root } from './test-support.js';

const scratch = mkdtempSync(join(tmpdir(), 'gradprop-loading-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh project of this package type, with gradprop installed (linked) and these fixtures copied in under their names. */
function project(type: 'commonjs' | 'module', files: Record<string, string>): string {
  const dir = join(scratch, type);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
  symlinkSync(root, join(dir, 'node_modules', 'gradprop'), 'dir');
  for (const [name, fixture] of Object.entries(files)) copyFileSync(join(root, 'fixtures/cli/formats', fixture), join(dir, name));
  return dir;
}

// Each under a name of its own: beside cube.mts, an import of cube.mjs is taken for the TypeScript source
// (tsx follows TypeScript's convention), and the test would not see whether .mjs loads.
// A .ts module is written with import and export either way; a .js module in the syntax its project runs.
const cases = {
  // The package type decides how .ts and .js load: a TypeScript module in a project without "type": "module" is CommonJS.
  commonjs: { 'ts.ts': 'cube.mts', 'mts.mts': 'cube.mts', 'cts.cts': 'cube.cts', 'js.js': 'cube.cjs', 'mjs.mjs': 'cube.mjs', 'cjs.cjs': 'cube.cjs' },
  // Here only .ts and .js change format; the other extensions say theirs themselves.
  module: { 'ts.ts': 'cube.mts', 'js.js': 'cube.mjs' },
} as const;

describe.each(Object.entries(cases))('a project whose package.json says "type": "%s"', (type, files) => {
  test(`gradprop check loads ${Object.keys(files).join(', ')}, each importing gradprop by name; each wrong layer fails, each correct one passes`, () => {
    const dir = project(type as 'commonjs' | 'module', files);
    const modules = Object.keys(files);
    const run = gradprop(['check', ...modules, '--json', 'report.json'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const result = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunResult;
    expect(result.moduleErrors).toEqual([]);
    // Modules in command-line order; exports in each module's own order (an ES module namespace's is alphabetical).
    const checked = result.targets.map((t) => `${t.module} ${t.id} ${t.verdict}`);
    expect(new Set(checked)).toEqual(new Set(modules.flatMap((m) => [`${m} cubeSpec pass`, `${m} cubeMissingFactor fail`])));
    expect([...new Set(result.targets.map((t) => t.module))]).toEqual(modules);
    for (const module of modules) {
      expect(run.stdout).toContain(`${module}, export cubeMissingFactor: gradientsMatchFiniteDifferences fails: vjp wrong at input 0`);
    }
  });
});
