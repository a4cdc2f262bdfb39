import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type Call, type Frame, subjectAt } from './call-site.js';
import { tensor } from '../tensor/index.js';
import { pasteReadyTest } from './replay.js';

const folder = mkdtempSync(join(tmpdir(), 'gradprop-call-site-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The subject read from `source` at the first occurrence of `marker`, as a stack frame would point there. */
function read(source: string, marker: string, call: Call = { matcher: 'toHaveCorrectGradients' }) {
  const file = join(folder, `case-${Math.random().toString(36).slice(2)}.test.ts`);
  writeFileSync(file, source);
  const offset = source.indexOf(marker);
  const before = source.slice(0, offset).split('\n');
  const frame: Frame = { file, line: before.length, column: before.at(-1)!.length + 1 };
  return subjectAt(frame, call);
}

describe('subjectAt', () => {
  test('reads the subject of expect() and the import that binds it', () => {
    const source = "import { expect, test } from 'vitest';\nimport { layer, other } from './layers.js';\n\ntest('x', () => {\n  expect(layer).toHaveCorrectGradients();\n});\n";
    expect(read(source, 'toHaveCorrectGradients')).toMatchObject({ expression: 'layer', imports: [{ module: './layers.js', imported: 'layer', local: 'layer' }], local: [], syntax: 'esm' });
  });

  test('takes an expression over lines, with .not, strings, comments and brackets in it', () => {
    const source = [
      "import { Affine as Dense } from '../nn/dense.js';",
      "import * as init from './init.js';",
      "import fc from 'fast-check';",
      '',
      'expect(new Dense(init.glorot([3, 4]), { name: "a, (b)" /* , ) */ }))',
      '  .not',
      '  .toHaveCorrectGradients(fc.tuple());',
    ].join('\n');
    const subject = read(source, 'toHaveCorrectGradients');
    expect(subject?.expression).toBe('new Dense(init.glorot([3, 4]), { name: "a, (b)" /* , ) */ })');
    expect(subject?.imports).toEqual([
      { module: '../nn/dense.js', imported: 'Affine', local: 'Dense' },
      { module: './init.js', imported: '*', local: 'init' },
    ]);
  });

  test("a function written inline: its parameters and the object's keys are not names to import", () => {
    const source = "import { Tensor, sum, tanh } from 'gradprop';\nconst x = 1;\nexpect({ forward: (x: Tensor) => sum(tanh(x)), backward(g) { const y = g; return y; } }).toHaveCorrectGradients();\n";
    const subject = read(source, 'toHaveCorrectGradients');
    expect(subject?.imports.map((b) => b.local)).toEqual(['Tensor', 'sum', 'tanh']);
    expect(subject?.local).toEqual([]);
  });

  test('names the file declares itself, which a new file cannot import', () => {
    const source = "import { expect } from 'vitest';\nconst brokenTanh = {};\nexpect(brokenTanh).toHaveCorrectGradients();\n";
    expect(read(source, 'toHaveCorrectGradients')).toMatchObject({ expression: 'brokenTanh', imports: [], local: ['brokenTanh'] });
  });

  test('CommonJS requires, renamed and whole', () => {
    const source = "const { wrong: w } = require('./layers.js');\nconst gp = require('gradprop');\ntest('x', () => expect(gp.opTarget(w)).toHaveCorrectGradients());\n";
    expect(read(source, 'toHaveCorrectGradients')).toMatchObject({
      expression: 'gp.opTarget(w)',
      imports: [
        { module: './layers.js', imported: 'wrong', local: 'w' },
        { module: 'gradprop', imported: '*', local: 'gp' },
      ],
      syntax: 'cjs',
    });
  });

  test("a function's argument: assertGradients' first, gradTest's second", () => {
    const source = "import { layer } from './l.js';\nassertGradients(layer, [x]);\ngradTest('name, with a comma', layer, undefined, {});\n";
    expect(read(source, 'assertGradients', { callee: 'assertGradients', argument: 0 })?.expression).toBe('layer');
    expect(read(source, 'gradTest', { callee: 'gradTest', argument: 1 })?.expression).toBe('layer');
  });

  test('refuses a position that is not the call (a stack without source maps): no subject rather than a wrong one', () => {
    const source = "import { layer } from './l.js';\nexpect(layer).toHaveCorrectGradients();\n";
    expect(read(source, 'layer).')).toBeUndefined();
    expect(read(source, 'import')).toBeUndefined();
    expect(read("expect(layer).toEqual(1);\nlayer.toHaveCorrectGradients();\n", 'toHaveCorrectGradients')).toBeUndefined();
    expect(subjectAt({ file: join(folder, 'missing.ts'), line: 1, column: 1 }, { matcher: 'toHaveCorrectGradients' })).toBeUndefined();
  });
});

describe('pasteReadyTest', () => {
  const c = { target: { name: 'wrong', forward: () => tensor(0), vjp: () => [] }, inputs: [tensor([1, -0.5])] };

  test('for jest in a CommonJS file: requires, and the matcher registered', () => {
    const subject = { expression: 'w', imports: [{ module: './layers.js', imported: 'wrong', local: 'w' }], local: [], syntax: 'cjs' as const };
    expect(pasteReadyTest(c, 7, subject, 'jest')).toBe(
      [
        "require('gradprop/jest');",
        "const { tensor } = require('gradprop');",
        "const { wrong: w } = require('./layers.js');",
        '',
        'test("wrong: shrunk counterexample", () => {',
        '  expect(w).toHaveCorrectGradients([tensor([1, -0.5])], { seed: 7 });',
        '});',
      ].join('\n'),
    );
  });

  test("for node:test, with gradprop's names merged into one import and the subject's own kept", () => {
    const subject = { expression: 'opTarget(tanh)', imports: [{ module: 'gradprop', imported: 'opTarget', local: 'opTarget' }, { module: 'gradprop', imported: 'tanh', local: 'tanh' }], local: [], syntax: 'esm' as const };
    expect(pasteReadyTest(c, 7, subject, 'node:test')).toBe(
      [
        "import { test } from 'node:test';",
        "import { assertGradients } from 'gradprop/assert';",
        "import { tensor, opTarget, tanh } from 'gradprop';",
        '',
        'test("wrong: shrunk counterexample", () => {',
        '  assertGradients(opTarget(tanh), [tensor([1, -0.5])], { seed: 7 });',
        '});',
      ].join('\n'),
    );
  });
});
