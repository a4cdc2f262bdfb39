/**
 * package.json as a contract: every entry point resolves the same way (ES modules for Node's import
 * and require and for bundlers, CommonJS for jest), the fallbacks agree with it, sideEffects names
 * exactly the files that register something when loaded, and inside the repository no test mixes
 * gradprop by name (dist/) with gradprop by path (src/). Each check has a broken twin.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Manifest;

interface Manifest {
  main: string;
  module: string;
  types: string;
  typesVersions: Record<string, Record<string, string[]>>;
  exports: Record<string, unknown>;
  sideEffects: string[];
}

type Target = { types: string; default: string };
const CONDITIONS = ['import', 'module-sync', 'module', 'require', 'default'];

/** What is wrong with the entry points of a manifest: one line per problem. */
function entryProblems(m: Manifest): string[] {
  const problems: string[] = [];
  for (const [entry, value] of Object.entries(m.exports)) {
    if (entry === './package.json') continue;
    const conditions = value as Record<string, Target>;
    if (Object.keys(conditions).join() !== CONDITIONS.join()) problems.push(`${entry}: conditions ${Object.keys(conditions).join(', ')}, expected ${CONDITIONS.join(', ')} in that order`);
    const esm = conditions.import;
    const source = esm ? join('src', esm.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')) : '';
    if (!esm || !/^\.\/dist\/(?!cjs\/).*\.js$/.test(esm.default) || !sourceExists(source)) problems.push(`${entry}: import must name dist/<a file of src>.js, got ${esm?.default}`);
    if (esm && esm.types !== esm.default.replace(/\.js$/, '.d.ts')) problems.push(`${entry}: import's types must sit beside its code`);
    for (const name of ['module-sync', 'module', 'default']) {
      if (JSON.stringify(conditions[name]) !== JSON.stringify(esm)) problems.push(`${entry}: ${name} must be the ES build, as import is`);
    }
    const cjs = esm && { types: esm.types.replace('./dist/', './dist/cjs/'), default: esm.default.replace('./dist/', './dist/cjs/') };
    if (JSON.stringify(conditions.require) !== JSON.stringify(cjs)) problems.push(`${entry}: require must be the CommonJS build of the same file`);
    if (entry !== '.' && JSON.stringify(m.typesVersions['*']?.[entry.slice(2)]) !== JSON.stringify([cjs?.types])) problems.push(`${entry}: typesVersions (for node10 resolution) must name ${cjs?.types}`);
  }
  const root = m.exports['.'] as Record<string, Target>;
  if (m.main !== root.require?.default || m.types !== root.require?.types || m.module !== root.import?.default) problems.push('main, types and module must match the root entry');
  return problems;
}

function sourceExists(file: string): boolean {
  try {
    return readFileSync(join(repo, file)).length > 0;
  } catch {
    return false;
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ts$/.test(f) && !/\.test\.ts$|test-support\.ts$/.test(f))
    .map((f) => join(dir, f));
}

/**
 * The src modules that do something when loaded: define an op at top level (defineOp, or in the ops
 * folder one of its helpers, defineUnary…), or register a matcher with an expect.
 */
function registering(): string[] {
  return sourceFiles('src').filter((file) => {
    const text = readFileSync(join(repo, file), 'utf8');
    // `export const x = defineOp(` or, with explicit type arguments, `defineOp<...>(`
    const definesOps = new RegExp(`^export const \\w+ = ${file.startsWith('src/ops/') ? 'define\\w*' : 'defineOp'}(?:<[^(]*>)?\\(`, 'm').test(text);
    return definesOps || /^(?:if \(.*\) )?(?:globalExpect|expect)\.extend\(/m.test(text);
  });
}

/** Which of `files` (src paths) sideEffects leaves out, in either build, and which patterns match none of them. */
function sideEffectProblems(patterns: readonly string[], files: readonly string[]): string[] {
  const matches = (pattern: string, path: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`).test(path);
  const built = files.flatMap((f) => ['esm', 'cjs'].map((build) => `./dist/${build === 'cjs' ? 'cjs/' : ''}${f.slice('src/'.length).replace(/\.ts$/, '.js')}`));
  return [
    ...built.filter((path) => !patterns.some((p) => matches(p, path))).map((path) => `${path} registers when loaded, but sideEffects does not say so`),
    ...patterns.filter((p) => !built.some((path) => matches(p, path))).map((p) => `sideEffects names ${p}, which registers nothing`),
  ];
}

describe('package.json', () => {
  test('every entry point: ES modules for import, module-sync (Node) and module (bundlers), CommonJS for require, types beside each', () => {
    expect(entryProblems(manifest)).toEqual([]);
  });

  test('a broken twin of each rule is caught', () => {
    const broken = structuredClone(manifest);
    const arbitraries = broken.exports['./arbitraries'] as Record<string, Target>;
    arbitraries.require = arbitraries.import!;
    delete (broken.exports['./laws'] as Record<string, Target>)['module-sync'];
    (broken.exports['./power'] as Record<string, Target>).import!.default = './dist/power/missing.js';
    broken.typesVersions['*']!.cli = ['./dist/cli/json.d.ts'];
    broken.main = './dist/index.js';
    expect(entryProblems(broken)).toEqual([
      './arbitraries: require must be the CommonJS build of the same file',
      './laws: conditions import, module, require, default, expected import, module-sync, module, require, default in that order',
      './laws: module-sync must be the ES build, as import is',
      './power: import must name dist/<a file of src>.js, got ./dist/power/missing.js',
      "./power: import's types must sit beside its code",
      './power: module-sync must be the ES build, as import is',
      './power: module must be the ES build, as import is',
      './power: default must be the ES build, as import is',
      './power: require must be the CommonJS build of the same file',
      './cli: typesVersions (for node10 resolution) must name ./dist/cjs/cli/json.d.ts',
      'main, types and module must match the root entry',
    ]);
  });

  test('sideEffects names exactly the files that register an op or a matcher when loaded', () => {
    const files = registering();
    expect(files).toEqual(expect.arrayContaining(['src/ops/elementwise.ts', 'src/ops/matmul.ts', 'src/vitest/index.ts', 'src/vitest/jest.ts']));
    expect(sideEffectProblems(manifest.sideEffects, files)).toEqual([]);
  });

  test('broken twins: a registering file left out, a file that registers nothing named', () => {
    const files = registering();
    expect(sideEffectProblems(manifest.sideEffects.filter((p) => !p.endsWith('/ops/matmul.js')), files)).toEqual([
      './dist/ops/matmul.js registers when loaded, but sideEffects does not say so',
      './dist/cjs/ops/matmul.js registers when loaded, but sideEffects does not say so',
    ]);
    expect(sideEffectProblems([...manifest.sideEffects, './dist/zoo/*.js', './dist/ops/define.js'], files)).toEqual([
      'sideEffects names ./dist/zoo/*.js, which registers nothing',
      'sideEffects names ./dist/ops/define.js, which registers nothing',
    ]);
  });
});

/**
 * Inside the repository, src/ imports itself by path and examples import gradprop by name (dist/,
 * as users do). A file importing gradprop by name must not be reached from src/ or properties/:
 * one test file would then hold two registries.
 */
function mixedImports(files: readonly string[], read: (file: string) => string): string[] {
  const byName = new Set(files.filter((f) => /from 'gradprop(?:\/[\w-]+)?'/.test(read(f))));
  return files
    .filter((f) => /^(src|properties)\//.test(f))
    .flatMap((f) =>
      [...read(f).matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)]
        .map((m) => relative(repo, resolve(repo, f, '..', `${m[1]}.ts`)))
        .filter((target) => byName.has(target))
        .map((target) => `${f} imports ${target}, which imports gradprop by name`),
    );
}

describe('in-repository resolution', () => {
  const files = ['src', 'properties', 'examples', 'fixtures', 'bench'].flatMap((dir) =>
    readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f)),
  );
  const read = (file: string) => readFileSync(join(repo, file), 'utf8');

  test('src/ and properties/ never reach a module that imports gradprop by name', () => {
    expect(mixedImports(files, read)).toEqual([]);
  });

  test('the broken twin: a property that imports an example is caught', () => {
    const twin = (file: string) => (file === 'properties/ops.prop.ts' ? "import { swish } from '../examples/swish.js';\n" : read(file));
    expect(mixedImports(files, twin)).toEqual(['properties/ops.prop.ts imports examples/swish.ts, which imports gradprop by name']);
  });
});
