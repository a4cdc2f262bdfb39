import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunResult } from './json.js';
import { REPORT_KINDS, SOURCE_EXTENSIONS, reportPathProblem, writeReports } from './reports.js';
import { noVerdicts } from './verdicts.js';

const scratch = mkdtempSync(join(tmpdir(), 'gradprop-reports-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('reportPathProblem', () => {
  const problem = (paths: Record<string, string>, modules: string[] = ['src/layer.ts']) => reportPathProblem(paths, modules, scratch);

  test('separate report files, one report on standard output, folders yet to be made: no problem', () => {
    expect(problem({ json: 'reports/gradprop.json', junit: 'reports/gradprop.xml' })).toBeUndefined();
    expect(problem({ json: '-', junit: 'gradprop.xml' })).toBeUndefined();
  });

  test('every report refuses every source extension, whatever the case, existing or not', () => {
    for (const { flag } of REPORT_KINDS) {
      for (const extension of SOURCE_EXTENSIONS) {
        expect(problem({ [flag]: `out/report${extension.toUpperCase()}` })).toMatch(new RegExp(`^refusing to write the --${flag} report to out/report\\${extension.toUpperCase()}: a \\${extension} path is a source file`));
      }
    }
  });

  test('an input module, also through a symbolic link or another spelling of its path, is refused whatever its extension', () => {
    const module = join(scratch, 'layer.model');
    writeFileSync(module, 'export {};\n');
    symlinkSync(module, join(scratch, 'link.json'));
    expect(problem({ junit: 'layer.model' }, ['./layer.model'])).toBe('refusing to write the --junit report to layer.model: it is one of the modules to check');
    expect(problem({ json: 'link.json' }, [module])).toBe('refusing to write the --json report to link.json: it is one of the modules to check');
  });

  test('two reports on one path, or on standard output, and a report path that is a folder, are refused', () => {
    expect(problem({ json: 'r.out', junit: './r.out' })).toBe('--json and --junit both write to ./r.out; give each report a path of its own');
    expect(problem({ json: '-', junit: '-' })).toBe('--json and --junit all write to standard output (-); give all but one of them a file');
    mkdirSync(join(scratch, 'reports'), { recursive: true });
    expect(problem({ json: 'reports' })).toBe('--json reports is a directory; give the report a file path inside it');
  });
});

describe('writeReports', () => {
  const result = {
    command: 'verify',
    modules: [],
    options: { runs: 1, seed: 1, mode: 'auto', order: 1, filter: null, law: null, shard: null, path: null, timeout: 1, loadTimeout: 1 },
    exitCode: 0,
    durationMs: 1,
    summary: { targets: 0, uncheckable: 0, laws: 0, cases: 0, verdicts: noVerdicts(), skippedExports: 0, moduleErrors: 0 },
    targets: [],
    skipped: [],
    moduleErrors: [],
    power: [],
    curves: [],
  } satisfies RunResult;

  test('writes each report whole, making its folder, leaving no temporary file; one report may go to standard output', async () => {
    const printed: string[] = [];
    await writeReports(result, { json: 'out/deep/r.json', junit: '-' }, scratch, { write: (text) => printed.push(text) });
    expect(JSON.parse(readFileSync(join(scratch, 'out/deep/r.json'), 'utf8'))).toEqual(result);
    expect(readdirSync(join(scratch, 'out/deep'))).toEqual(['r.json']);
    expect(printed.join('')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="gradprop verify" tests="0"/);
  });

  test('replaces a report whole, by renaming a finished file over it: a reader of the old report never sees half of the new one', async () => {
    const file = join(scratch, 'replaced.json');
    writeFileSync(file, 'the previous report\n');
    const reader = openSync(file, 'r'); // a CI step still reading the previous report
    try {
      await writeReports(result, { json: file }, scratch, { write: () => {} });
      expect(readFileSync(reader, 'utf8')).toBe('the previous report\n'); // written in place, it would read the new text, or none
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(result);
    } finally {
      closeSync(reader);
    }
  });

  test('a report that cannot be put in place says which report failed, and leaves no temporary file behind', async () => {
    const folder = join(scratch, 'occupied');
    mkdirSync(join(folder, 'r.json'), { recursive: true }); // a folder where the report should go: the rename fails
    writeFileSync(join(folder, 'r.json', 'keep'), 'x');
    await expect(writeReports(result, { json: join(folder, 'r.json') }, scratch, { write: () => {} })).rejects.toThrow(/^could not write the --json report to .*occupied\/r\.json: E(ISDIR|NOTEMPTY|EXIST)/);
    expect(readdirSync(folder)).toEqual(['r.json']);
    expect(readdirSync(join(folder, 'r.json'))).toEqual(['keep']);
  });
});
