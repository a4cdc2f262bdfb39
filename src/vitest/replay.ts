import { type Case, LawViolation, type SameFailureDetails, caseCode, describeOtherFailure } from '../laws/index.js';
import type { Binding, WrittenSubject } from './call-site.js';

/** The test runner a pasted test is written for: each face prints tests for its own. */
export type Runner = 'vitest' | 'jest' | 'node:test';

/** What a pasted test checks, written as code: the subject's expression and the imports it needs. */
export type PasteSubject = Pick<WrittenSubject, 'expression' | 'imports' | 'local' | 'syntax'> & { file?: string };

/** What a failing generated run reports: the violation, its shrunk case, and how to replay both. */
export function describeFailure(details: SameFailureDetails<[Case, number]>, inputs: 'given' | 'domain', runner: Runner, subject: PasteSubject): string {
  const [c, seed] = details.counterexample!;
  const error = details.errorInstance;
  const violation = error instanceof LawViolation ? error : undefined;
  const order = violation?.report?.order ?? 1;
  const options = `{ seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)}${orderOption(order)} }`;
  const arbitrary = inputs === 'given' ? '<the same arbitrary>' : 'undefined';
  const replay = runner === 'node:test' ? `assertGradients(${subject.expression}, ${arbitrary}, ${options})` : `toHaveCorrectGradients(${arbitrary}, ${options})`;
  return [
    violation ? violation.detail : String(error),
    '',
    `counterexample (after ${details.numRuns} cases, shrunk ${details.numShrinks} times): ${caseCode(c)}`,
    ...(details.otherFailure === undefined ? [] : [`(${describeOtherFailure(details.otherFailure)})`]),
    ...(violation?.report ? ['', formatTable(violation)] : []),
    '',
    `replay: ${replay}`,
    '',
    `as a test of its own${subject.file ? ` (a new file beside ${basename(subject.file)})` : ''}:`,
    pasteReadyTest(c, seed, subject, runner, order),
  ].join('\n');
}

function formatTable(violation: LawViolation): string {
  return violation.message.slice(violation.message.indexOf('\n\n') + 2);
}

/**
 * A whole test file that checks exactly this case, for `runner`: its imports (the runner's, the
 * matcher's, gradprop's, and those the subject's expression needs), the inputs written to the last
 * bit and the same probe seed (and order 2 when the failure was the second order's).
 */
export function pasteReadyTest(c: Case, seed: number, subject: PasteSubject, runner: Runner, order: 1 | 2 = 1): string {
  const target = c.attrs === undefined ? subject.expression : `opTarget(${subject.expression}, ${JSON.stringify(c.attrs)})`;
  const inputs = caseCode({ ...c, attrs: undefined });
  const syntax = runner === 'vitest' ? 'esm' : subject.syntax;
  const own = { vitest: named('vitest', 'expect', 'test'), jest: [], 'node:test': [...named('node:test', 'test'), ...named('gradprop/assert', 'assertGradients')] }[runner];
  const registers = runner === 'node:test' ? [] : [syntax === 'esm' ? `import 'gradprop/${runner}';` : `require('gradprop/${runner}');`];
  const gradprop = named('gradprop', 'tensor', ...(c.attrs === undefined ? [] : ['opTarget']));
  const imports = [...importLines(own, syntax), ...registers, ...importLines([...gradprop, ...subject.imports], syntax)];
  const options = `{ seed: ${seed}${orderOption(order)} }`;
  const check = runner === 'node:test' ? `assertGradients(${target}, ${inputs}, ${options});` : `expect(${target}).toHaveCorrectGradients(${inputs}, ${options});`;
  return [
    ...missing(subject),
    ...imports,
    '',
    `test(${JSON.stringify(`${c.target.name}: shrunk counterexample`)}, () => {`,
    `  ${check}`,
    '});',
  ].join('\n');
}

/** A failure of the second order replays only with the option that asked for it. */
function orderOption(order: 1 | 2): string {
  return order === 2 ? ', order: 2' : '';
}

/** Named imports of `names` from `module`, each under its own name. */
function named(module: string, ...names: string[]): Binding[] {
  return names.map((name) => ({ module, imported: name, local: name }));
}

/** A subject the test cannot import as written, said at the top of the pasted test. */
function missing({ local, file }: PasteSubject): string[] {
  if (local.length === 0) return [];
  const names = local.join(', ');
  const them = local.length === 1 ? 'it' : 'them';
  if (file === undefined) return [`// ${names}: import ${them} from the module that defines ${them}`];
  return [`// ${names} ${local.length === 1 ? 'is' : 'are'} declared in ${basename(file)}: export ${them} from there and import ${them} here, or paste this test into that file`];
}

/** One import (or require) per module, in order of first mention, each name once. */
function importLines(bindings: readonly Binding[], syntax: 'esm' | 'cjs'): string[] {
  const modules = new Map<string, Binding[]>();
  for (const b of bindings) {
    const list = modules.get(b.module) ?? [];
    if (!list.some((other) => other.local === b.local)) list.push(b);
    modules.set(b.module, list);
  }
  return [...modules].flatMap(([module, list]) => {
    const from = `'${module}'`;
    const whole = list.filter((b) => b.imported === 'default' || b.imported === '*');
    const named = list.filter((b) => b.imported !== 'default' && b.imported !== '*');
    const rename = (b: Binding) => (b.imported === b.local ? b.local : syntax === 'esm' ? `${b.imported} as ${b.local}` : `${b.imported}: ${b.local}`);
    const lines = whole.map((b) =>
      syntax === 'cjs' ? `const ${b.local} = require(${from});` : b.imported === '*' ? `import * as ${b.local} from ${from};` : `import ${b.local} from ${from};`,
    );
    if (named.length > 0) {
      const names = `{ ${named.map(rename).join(', ')} }`;
      lines.push(syntax === 'cjs' ? `const ${names} = require(${from});` : `import ${names} from ${from};`);
    }
    return lines;
  });
}

/**
 * A subject known by its export name: `gradprop check` knows the module it loaded, a registered op
 * is gradprop's own.
 */
export function exportedSubject(name: string, module?: string): PasteSubject {
  return { expression: name, imports: [{ module: module === undefined ? 'gradprop' : importSpecifier(module), imported: name, local: name }], local: [], syntax: 'esm' };
}

/** A module path as given on a command line, as an import written in a file at the working directory. */
function importSpecifier(module: string): string {
  const js = module.replace(/\.([cm]?)ts$/, '.$1js');
  return /^(\.{1,2}\/|\/)/.test(js) ? js : `./${js}`;
}

/** A subject whose source could not be read: its name, and a line saying where it must come from. */
export function namedSubject(name: string): PasteSubject {
  const expression = /^[A-Za-z_$][\w$]*$/.test(name) ? name : 'target';
  return { expression, imports: [], local: [expression], syntax: 'esm' };
}

function basename(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
