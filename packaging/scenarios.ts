/**
 * The consumer test's scenarios, in the order of issue 12: each installs the tarball into a fresh
 * project and does what a user of that kind of project does. `run` returns the one-line result, or
 * throws saying what went wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { must, project, repo, run, sizeOf } from './kit.js';

export interface Scenario {
  name: string;
  run(tarball: string): string;
}

const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
/** The consumers' dependencies: the versions gradprop itself is tested with, and jest's. */
const FAST_CHECK = `fast-check@${own.dependencies['fast-check']}`;
const TYPESCRIPT = `typescript@${own.devDependencies.typescript}`;
const VITEST = `vitest@${own.devDependencies.vitest}`;
const ESBUILD = `esbuild@${own.devDependencies.esbuild}`;
const JEST = 'jest@30.5.2';
const JEST_TYPES = '@types/jest@30.0.0';

const node = process.execPath;
const bin = (dir: string, name: string) => join(dir, 'node_modules', '.bin', name);

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The entry points the tarball's package.json exports, as import specifiers. */
function entries(dir: string): string[] {
  const { exports } = JSON.parse(readFileSync(join(dir, 'node_modules', 'gradprop', 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return Object.keys(exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? 'gradprop' : `gradprop/${key.slice(2)}`));
}

/**
 * Every file an import of an entry point can load: the exports' ES module files and what they
 * import, statically or dynamically, by relative path. The command's own files (its worker loads a
 * user's TypeScript with tsx) are reached from bin, not from an entry.
 */
function libraryFiles(packageDir: string): string[] {
  const { exports } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: Record<string, string | { import: { default: string } }> };
  const pending = Object.values(exports).flatMap((value) => (typeof value === 'string' ? [] : [join(packageDir, value.import.default)]));
  const seen = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.\.?\/[^'"]+)['"]/g)) pending.push(join(dirname(file), specifier!));
  }
  return [...seen];
}

/** Median milliseconds of a fresh Node process loading `specifier` (import, or require). */
function loadTime(dir: string, specifier: string, how: 'import' | 'require'): number {
  const script =
    how === 'import'
      ? `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`
      : `const t = performance.now(); require(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const times = [1, 2, 3].map(() => Number(must(node, ['--input-type', how === 'import' ? 'module' : 'commonjs', '-e', script], dir)));
  return times.sort((a, b) => a - b)[1]!;
}

const ms = (t: number) => `${t.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The paste-ready test a failure message ends with, and its twin with the wrong layer replaced by
 * the correct one (which must pass where the pasted test fails).
 */
function pasted(message: string): { test: string; twin: string } {
  const start = message.indexOf('\n', message.indexOf('as a test of its own')) + 1;
  const end = message.indexOf('\n});', start) + '\n});'.length;
  expect(start > 0 && end > start, `no paste-ready test in the failure:\n${message}`);
  const test = `${message.slice(start, end)}\n`;
  return { test, twin: test.replaceAll('wrongTanhLayer', 'tanhLayer') };
}

/** Runs a pasted test and its twin with `command`: the test must fail on the same inputs, the twin pass. */
function pastedRuns(dir: string, message: string, file: string, command: (file: string) => ReturnType<typeof run>): string {
  const { test, twin } = pasted(message);
  const inputs = /toHaveCorrectGradients\((\[tensor.*\]), \{ seed|assertGradients\(\w+, (\[tensor.*\]), \{ seed/.exec(test);
  expect(inputs, `the pasted test checks no written inputs:\n${test}`);
  writeFileSync(join(dir, file), test);
  const failing = command(file);
  expect(!failing.ok && failing.output.includes('vjp wrong'), `the pasted test should fail with "vjp wrong":\n${test}\n${failing.output}`);
  writeFileSync(join(dir, `twin-${file}`), twin);
  const passing = command(`twin-${file}`);
  expect(passing.ok, `the pasted test's twin (the correct layer) should pass:\n${twin}\n${passing.output}`);
  return 'the pasted test fails the same way in a new file, its twin with the correct layer passes';
}

const nodeEsm: Scenario = {
  name: 'plain Node ESM',
  run(tarball) {
    const dir = project('esm', tarball, [FAST_CHECK]);
    must(node, ['entries.js'], dir);
    const loaders = libraryFiles(join(dir, 'node_modules', 'gradprop')).filter((file) => /(?:from|import\(|require\()\s*['"](?:tsx|esbuild)\b/.test(readFileSync(file, 'utf8')));
    expect(loaders.length === 0, `library files load tsx or esbuild: ${loaders.join(', ')}`);
    const size = sizeOf(join(dir, 'node_modules'));
    const own = sizeOf(join(dir, 'node_modules', 'gradprop'));
    const seen = new Set<number>();
    const tsx = ['tsx', 'esbuild', '@esbuild'].reduce((total, name) => total + sizeOf(join(dir, 'node_modules', name), seen), 0);
    return (
      `${entries(dir).length} entry points imported and ran a check (gradprop/vitest: needs vitest, says so); no library file loads tsx or esbuild; ` +
      `installed ${mb(size)} (gradprop ${mb(own)}, tsx and esbuild for the CLI ${mb(tsx)}); ` +
      `import gradprop ${ms(loadTime(dir, 'gradprop', 'import'))} (fast-check alone ${ms(loadTime(dir, 'fast-check', 'import'))})`
    );
  },
};

const commonJs: Scenario = {
  name: 'CommonJS require',
  run(tarball) {
    const dir = project('cjs', tarball, [FAST_CHECK], 'cjs');
    must(node, ['entries.js'], dir);
    return `every entry point required and ran a check; require() and import() return the same modules (one registry, one Tensor); require gradprop ${ms(loadTime(dir, 'gradprop', 'require'))}`;
  },
};

const typescript: Scenario = {
  name: 'TypeScript (tsc --init, strict, exactOptionalPropertyTypes, no skipLibCheck)',
  run(tarball) {
    const dir = project('typescript', tarball, [TYPESCRIPT, VITEST, JEST_TYPES, FAST_CHECK]);
    must(bin(dir, 'tsc'), ['--init'], dir);
    // gradprop/tfjs's declarations name tfjs-core's, which do not compile without skipLibCheck
    // (tfjs-core 4.22: "Cannot find name 'Long'", @webgpu/types against lib.dom): scenario 10 runs it
    const specifiers = entries(dir).filter((specifier) => specifier !== 'gradprop/tfjs');
    writeFileSync(
      join(dir, 'src', 'entries.ts'),
      `// Every entry point, so that every declaration file of gradprop is checked.\n${specifiers.map((s, i) => `import * as entry${i} from '${s}';`).join('\n')}\nexport const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];\n`,
    );
    const results = ['nodenext', 'bundler', 'es2022'].map((config) => {
      const ran = run(bin(dir, 'tsc'), ['-p', `tsconfig.${config}.json`], dir);
      // Any error counts, in other packages' declarations too: gradprop's augment vitest's and jest's.
      expect(ran.ok, `tsc -p tsconfig.${config}.json:\n${ran.output}`);
      return config;
    });
    return `${specifiers.length} entry points, the matchers on vitest's and jest's expect, and a user's code on every public type compile with no error: ${results.join(', ')}`;
  },
};

/** The JSON report jest writes (--json) and vitest imitates (--reporter=json): per file, its tests' status and failure messages. */
interface JsonReport {
  testResults: { name: string; status: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/**
 * correct.test.js and wrong.test.js run with `args` (which write results.json): the first must
 * pass and the second fail naming the wrong vjp. Then its paste-ready test, run by `runOne`.
 */
function matcherRun(dir: string, runner: string, args: string[], runOne: (file: string) => ReturnType<typeof run>): string {
  const ran = run(bin(dir, runner), args, dir);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as JsonReport;
  const file = (name: string) => results.testResults.find((r) => r.name.endsWith(name));
  expect(!ran.ok, `${runner} passed a wrong layer:\n${ran.output}`);
  expect(file('correct.test.js')?.status === 'passed', `correct.test.js should pass:\n${JSON.stringify(file('correct.test.js'), null, 2)}`);
  const failure = file('wrong.test.js')?.assertionResults[0]?.failureMessages[0] ?? '';
  expect(/expected wrongTanhLayer to have correct gradients, but vjp wrong/.test(failure), `wrong.test.js should fail naming the wrong vjp:\n${failure}`);
  return `a correct layer passes, a wrong one fails (and .not catches it); ${pastedRuns(dir, failure, 'pasted.test.js', runOne)}`;
}

function vitestImportTime(dir: string, file: string): number {
  const ran = must(bin(dir, 'vitest'), ['run', file], dir);
  const time = /import (\d+(?:\.\d+)?)(m?s)/.exec(ran);
  expect(time, `no import time in vitest's output:\n${ran}`);
  return Number(time[1]) * (time[2] === 's' ? 1000 : 1);
}

const vitest: Scenario = {
  name: 'vitest, with only vitest installed',
  run(tarball) {
    const dir = project('vitest', tarball, [VITEST]);
    const checked = matcherRun(dir, 'vitest', ['run', 'correct.test.js', 'wrong.test.js', '--reporter=json', '--outputFile=results.json'], (f) => run(bin(dir, 'vitest'), ['run', f], dir));
    const root = vitestImportTime(dir, 'import-root.test.js');
    const face = vitestImportTime(dir, 'import-vitest.test.js');
    return `${checked}; vitest's import time: gradprop ${ms(root)}, gradprop + gradprop/vitest ${ms(face)}`;
  },
};

const jest: Scenario = {
  name: 'jest (CommonJS project, plain JavaScript tests)',
  run(tarball) {
    const dir = project('jest', tarball, [JEST], 'cjs');
    const checked = matcherRun(dir, 'jest', ['--json', '--outputFile=results.json', 'correct.test.js', 'wrong.test.js'], (f) => run(bin(dir, 'jest'), [f], dir));
    return `${checked}; gradprop loaded as CommonJS`;
  },
};

const nodeTest: Scenario = {
  name: 'node:test with assertGradients',
  run(tarball) {
    const dir = project('node-test', tarball);
    must(node, ['--test', 'correct.test.js'], dir);
    const wrong = run(node, ['--test', 'wrong.test.js'], dir);
    expect(!wrong.ok && /AssertionError/.test(wrong.output) && /vjp wrong at input 0/.test(wrong.output), `node --test wrong.test.js should fail with the report:\n${wrong.output}`);
    const paste = pastedRuns(dir, must(node, ['print-failure.js'], dir), 'pasted.test.js', (f) => run(node, ['--test', f], dir));
    return `a correct layer passes; a wrong one throws assert.AssertionError with the report; ${paste}`;
  },
};

/** esbuild's metafile: every import of every input, and whether it was left external. */
interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

/**
 * Bundles `entry` for the browser and runs it in a fresh V8 context that has a browser's timers
 * (fast-check keeps a reference to setTimeout) and none of Node's globals — no process, Buffer,
 * require or global; its `result`.
 */
function bundleAndRun(dir: string, entry: string): Record<string, unknown> {
  const out = join(dir, 'out', entry);
  must(bin(dir, 'esbuild'), [entry, '--bundle', '--platform=browser', '--format=iife', `--outfile=${out}`, `--metafile=${out}.json`, '--log-level=error'], dir);
  const { inputs } = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Metafile;
  const outside = Object.values(inputs).flatMap((input) => input.imports.filter((i) => i.external || i.path.startsWith('node:')).map((i) => i.path));
  expect(outside.length === 0, `${entry}: the bundle imports ${outside.join(', ')}`);
  const context: { result?: Record<string, unknown>; setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = { setTimeout, clearTimeout };
  runInNewContext(readFileSync(out, 'utf8'), context);
  expect(context.result, `${entry} set no result`);
  return context.result;
}

const browser: Scenario = {
  name: 'esbuild browser bundle, run without Node globals',
  run(tarball) {
    const dir = project('browser', tarball, [ESBUILD]);
    const registered = Number(must(node, ['--input-type=module', '-e', "const { allOps } = await import('gradprop'); console.log(allOps().length)"], dir));
    const app = bundleAndRun(dir, 'app.js');
    const thrown = app.thrown as { name?: string; code?: string; message?: string } | undefined;
    expect(app.correct === 'pass' && app.wrong === 'fail', `checks in the bundle: ${JSON.stringify(app)}`);
    expect(thrown?.name === 'AssertionError' && thrown.code === 'ERR_ASSERTION' && /vjp wrong/.test(thrown.message ?? ''), `assertGradients in the bundle: ${JSON.stringify(thrown)}`);
    expect(app.ops === registered, `the bundle registers ${String(app.ops)} ops, Node ${registered}`);
    const mixed = bundleAndRun(dir, 'mixed.js');
    expect(mixed.same === true, 'a bundle that imports and requires gradprop holds two copies');
    expect(bundleAndRun(dir, 'ops.js').ops === registered, 'a bundle using only the registry lost the ops (sideEffects)');
    // The broken twin: the same bundle, with every file declared free of side effects, drops the ops.
    const manifest = join(dir, 'node_modules', 'gradprop', 'package.json');
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(original), sideEffects: false }));
    const twin = bundleAndRun(dir, 'ops.js').ops;
    writeFileSync(manifest, original);
    expect(twin === 0, `with sideEffects: false the registry still held ${String(twin)} ops: the twin proves nothing`);
    return `no node: import; a check and assertGradients run in a context without Node globals; import and require bundle one copy; sideEffects keeps the ${registered} ops (with sideEffects: false, ${twin})`;
  },
};

const cli: Scenario = {
  name: 'npx gradprop check on .ts (no "type": "module"), .cjs and .mjs modules',
  run(tarball) {
    const dir = project('cli', tarball, [], 'both');
    const problems = ['layers.ts', 'layers.cjs', 'layers.mjs'].flatMap((module) => {
      const json = `${module}.json`;
      const ran = run('npx', ['gradprop', 'check', module, '--json', json, '--runs', '30'], dir);
      if (ran.status !== 1) return [`gradprop check ${module} should exit 1, exited ${ran.status}:\n${ran.output}`];
      const { targets } = JSON.parse(readFileSync(join(dir, json), 'utf8')) as { targets: { id: string; verdict: string }[] };
      const verdict = (id: string) => targets.find((t) => t.id === id)?.verdict;
      if (verdict('tanhLayer') !== 'pass' || verdict('wrongTanhLayer') !== 'fail') return [`gradprop check ${module}: ${JSON.stringify(targets)}\n${ran.output}`];
      if (!ran.output.includes('wrongTanhLayer')) return [`gradprop check ${module} does not name wrongTanhLayer:\n${ran.output}`];
      return [];
    });
    expect(problems.length === 0, problems.join('\n'));
    return 'layers.ts, layers.cjs, layers.mjs: exit 1, tanhLayer passes, wrongTanhLayer named as failing';
  },
};

const tfjs: Scenario = {
  name: 'gradprop/tfjs with tfjs-core, its CPU backend and tfjs-layers, plain Node ESM',
  run(tarball) {
    const tfjsPackage = (name: string) => `@tensorflow/${name}@${own.devDependencies[`@tensorflow/${name}`]}`;
    const dir = project('tfjs', tarball, [FAST_CHECK, ...['tfjs-core', 'tfjs-backend-cpu', 'tfjs-layers'].map(tfjsPackage)]);
    return must(node, ['check.js'], dir).trim().split('\n').at(-1)!;
  },
};

const lint: Scenario = {
  name: 'publint and @arethetypeswrong/cli on the tarball',
  run(tarball) {
    const publint = must(bin(repo, 'publint'), ['--strict', tarball], repo);
    expect(publint.includes('All good!'), `publint:\n${publint}`);
    const attw = run(bin(repo, 'attw'), [tarball, '--format', 'json'], repo);
    const { analysis } = JSON.parse(attw.output.slice(attw.output.indexOf('{'))) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(attw.ok && analysis.problems.length === 0, `attw: ${JSON.stringify(analysis.problems, null, 2)}`);
    return `publint: all good (strict); attw: no problems in node10, node16 (CJS and ESM) and bundler resolution, for ${Object.keys(analysis.entrypoints).length} entry points`;
  },
};

export const scenarios: Scenario[] = [nodeEsm, commonJs, typescript, vitest, jest, nodeTest, browser, cli, lint, tfjs];
