/**
 * The README is executable: every ```ts and ```js block is a whole program, typechecked under
 * tsc --init's strict settings and run against gradprop as a user imports it (the package by name,
 * resolved through its exports to dist/). A block that imports vitest runs under vitest; the others
 * run with node, compiled by tsc. A block tagged `ts excerpt` or `js excerpt` is deliberately
 * partial and is skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const repo = resolve(import.meta.dirname, '..');

interface Block {
  /** The README line of the block's first line of code. */
  line: number;
  language: 'ts' | 'js';
  code: string;
  /** Runs under vitest (it imports vitest). */
  vitest: boolean;
  file: string;
}

/** Every fenced ts or js block that is not an excerpt, in order. */
function readmeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    const [language, tag] = [fence[1], fence[2]!.trim()];
    if ((language === 'ts' || language === 'js') && tag !== 'excerpt') {
      const code = `${lines.slice(i + 1, end).join('\n')}\n`;
      blocks.push({ line: i + 2, language, code, vitest: /from 'vitest'/.test(code), file: `readme-${i + 2}.${language === 'ts' ? 'ts' : 'js'}` });
    }
    i = end;
  }
  return blocks;
}

const blocks = readmeBlocks(readFileSync(join(repo, 'README.md'), 'utf8'));
const project = mkdtempSync(join(tmpdir(), 'gradprop-readme-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** A user's project: gradprop and what the blocks import, installed (linked) into node_modules. */
function setUp(): void {
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'esnext',
        types: ['node'],
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        moduleDetection: 'force',
        allowJs: true,
        checkJs: true,
        skipLibCheck: true,
        outDir: 'out',
      },
      include: ['*.ts', '*.js'],
    }),
  );
  // Node's own types, as a project running tests on Node has them.
  const packages = new Set(['@types/node', ...blocks.flatMap((b) => [...b.code.matchAll(/(?:from|import) '(?![./]|node:)((?:@[\w.-]+\/)?[\w.-]+)[^']*'/g)].map((m) => m[1]!))]);
  for (const name of packages) {
    const link = join(project, 'node_modules', name);
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(name === 'gradprop' ? repo : join(repo, 'node_modules', name), link, 'dir');
  }
  for (const block of blocks) writeFileSync(join(project, block.file), block.code);
}

function run(command: string, args: string[]) {
  const ran = spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { ok: ran.status === 0, output: `${ran.stdout}${ran.stderr}` };
}

/** tsc's errors, placed on README lines: `readme-40.ts(3,7): error …` is README line 42. */
function onReadmeLines(output: string): string {
  return output.replace(/readme-(\d+)\.[jt]s\((\d+),(\d+)\)/g, (_, start: string, line: string, column: string) => `README.md:${Number(start) + Number(line) - 1}:${column}`);
}

test('blocks are read with their README lines; excerpts and other languages are not run', () => {
  const markdown = ['# t', '```ts', 'const a = 1;', '```', '```ts excerpt', 'partial(…)', '```', '```sh', 'npm test', '```', '```js', "import { expect } from 'vitest';", '```'].join('\n');
  expect(readmeBlocks(markdown).map(({ line, language, vitest }) => ({ line, language, vitest }))).toEqual([
    { line: 3, language: 'ts', vitest: false },
    { line: 12, language: 'js', vitest: true },
  ]);
});

describe('README.md', () => {
  test('has code blocks to run', () => {
    expect(blocks.length).toBeGreaterThan(3);
  });

  test('every block typechecks under strict settings', () => {
    setUp();
    const compiled = run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
    expect(onReadmeLines(compiled.output)).toBe('');
  }, 120_000);

  test.each(blocks.filter((b) => !b.vitest).map((b) => [b.line, b] as const))('the block at line %i runs', (_, block) => {
    const ran = run(process.execPath, [join('out', block.file.replace(/\.ts$/, '.js'))]);
    expect(ran.ok, ran.output).toBe(true);
  }, 60_000);

  const vitestBlocks = blocks.filter((b) => b.vitest);
  test.runIf(vitestBlocks.length > 0)(`the vitest blocks (lines ${vitestBlocks.map((b) => b.line).join(', ')}) pass under vitest`, () => {
    for (const block of vitestBlocks) writeFileSync(join(project, block.file.replace(/\.(ts|js)$/, '.test.$1')), block.code);
    const ran = run(process.execPath, [join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', project, '--dir', project]);
    expect(ran.ok, ran.output).toBe(true);
    expect(ran.output).toMatch(new RegExp(`Test Files\\s+${vitestBlocks.length} passed`));
  }, 120_000);
});
