/**
 * The subject of a failed assertion as the user wrote it, read back from the test's source: the
 * expression (`expect(new Affine())` → `new Affine()`) and the imports that bind its names, so the
 * failure can print a test that runs when pasted into a new file beside the failing one.
 *
 * Best effort, and never wrong silently: the stack must lead to a readable file (Node, with source
 * maps where the runner compiles — vitest, jest and tsx all map stacks), and the text there must be
 * the call being reported; otherwise there is no written subject and the failure says so.
 */

/** One name an import binds: `imported` is 'default' or '*' for default and namespace imports. */
export interface Binding {
  module: string;
  imported: string;
  local: string;
}

/** A subject as written at the assertion, with the file it is written in. */
export interface WrittenSubject {
  expression: string;
  /** The imports that bind names the expression uses. */
  imports: Binding[];
  /** Names the expression uses that the file declares itself (a new file cannot import them). */
  local: string[];
  /** The file's module syntax, for the pasted test's own imports. */
  syntax: 'esm' | 'cjs';
  file: string;
}

/** How the assertion is called: `expect(subject).toHaveCorrectGradients(…)`, or a function's nth argument. */
export type Call = { matcher: string } | { callee: string; argument: number };

/** A place in a source file, as a stack frame gives it (1-based line and column). */
export interface Frame {
  file: string;
  line: number;
  column: number;
}

/**
 * The subject as written at `frame`, the user's call of a gradient assertion: `call` says how it is
 * written, so the text there is checked to be that call before anything is read from it.
 */
export function subjectAt(frame: Frame, call: Call): WrittenSubject | undefined {
  const source = readSource(frame.file);
  if (source === undefined) return undefined;
  const at = offsetOf(source, frame);
  const expression = 'matcher' in call ? expectArgument(source, at, call.matcher) : argument(source, at, call.callee, call.argument);
  if (expression === undefined) return undefined;
  const bindings = importsOf(source);
  const names = identifiers(expression);
  return {
    expression,
    imports: bindings.filter((b) => names.has(b.local)),
    local: [...names].filter((name) => !bindings.some((b) => b.local === name) && declares(source, name)),
    syntax: /^\s*(?:import|export)\s/m.test(source) ? 'esm' : 'cjs',
    file: frame.file,
  };
}

/** A stack line's place: V8's `at f (file:1:2)` or `at file:1:2`, or SpiderMonkey's and JavaScriptCore's `f@file:1:2`. */
const FRAME = /^at (?:.*\()?(.+?):(\d+):(\d+)\)?$|^[^@\s]*@(.+):(\d+):(\d+)$/;

/**
 * The first frame below `face` that is the user's (not node_modules, not Node's own). `face` is the
 * function the user's code called, or the test runner for a matcher.
 */
export function callerFrame(face: Function): Frame | undefined {
  const capture = (Error as { captureStackTrace?: (target: object, below: Function) => void }).captureStackTrace;
  if (!capture) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50; // a test runner's own frames sit between the user's call and the matcher
  const holder: { stack?: string } = {};
  try {
    capture(holder, face);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const line of (holder.stack ?? '').split('\n')) {
    const [, file, row, column] = (FRAME.exec(line.trim()) ?? []).filter((part) => part !== undefined);
    if (!file || file.startsWith('node:') || /[\\/]node_modules[\\/]/.test(file)) continue;
    return { file, line: Number(row), column: Number(column) };
  }
  return undefined;
}

/** The file's text, where there is a file system (Node ≥ 20.16 offers it without an import). */
function readSource(file: string): string | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  const fs = get('node:fs') as { readFileSync(path: string, encoding: 'utf8'): string };
  const url = get('node:url') as { fileURLToPath(url: string): string };
  try {
    return fs.readFileSync(file.startsWith('file://') ? url.fileURLToPath(file) : file, 'utf8');
  } catch {
    return undefined;
  }
}

function offsetOf(source: string, { line, column }: Frame): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = source.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

/**
 * `expect(<subject>)[.not].matcher(`: V8 places a method call at the method's name, so the text
 * there must be the matcher, reached from the last `expect(` before it.
 */
function expectArgument(source: string, at: number, matcher: string): string | undefined {
  if (!source.startsWith(matcher, at)) return undefined;
  const open = source.lastIndexOf('expect(', at);
  if (open < 0) return undefined;
  const args = argumentsFrom(source, open + 'expect('.length);
  if (!args || args.list.length !== 1) return undefined;
  const between = source.slice(args.end, at).replace(/\s+/g, '');
  return between === '.' || between === '.not.' ? args.list[0] : undefined;
}

/** The nth argument of a call of `callee` (a plain call is placed at the callee's name). */
function argument(source: string, at: number, callee: string, n: number): string | undefined {
  if (!source.startsWith(callee, at)) return undefined;
  const open = source.indexOf('(', at + callee.length);
  if (open < 0 || source.slice(at + callee.length, open).trim() !== '') return undefined;
  return argumentsFrom(source, open + 1)?.list[n];
}

/**
 * The arguments of a call whose `(` ends just before `from`, split at top-level commas: brackets
 * nest, and strings, template literals and comments are skipped whole.
 */
function argumentsFrom(source: string, from: number): { list: string[]; end: number } | undefined {
  const list: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    const skipped = endOfLiteral(source, i);
    if (skipped !== i) {
      if (skipped < 0) return undefined;
      i = skipped;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && depth > 0) depth--;
    else if (c === ')' || (c === ',' && depth === 0)) {
      const text = source.slice(start, i).trim();
      if (text !== '') list.push(text);
      if (c === ')') return { list, end: i + 1 };
      start = i + 1;
    }
  }
  return undefined;
}

/** Where a string, template literal or comment starting at `i` ends (i itself if none starts there; -1 if it never ends). */
function endOfLiteral(source: string, i: number): number {
  const c = source[i];
  if (c === '"' || c === "'" || c === '`') {
    for (let j = i + 1; j < source.length; j++) {
      if (source[j] === '\\') j++;
      else if (source[j] === c) return j;
    }
    return -1;
  }
  if (source.startsWith('//', i)) return source.indexOf('\n', i);
  if (source.startsWith('/*', i)) {
    const end = source.indexOf('*/', i + 2);
    return end < 0 ? -1 : end + 1;
  }
  return i;
}

const IDENTIFIER = /(?<![\w$])[A-Za-z_$][\w$]*/g;

/**
 * The free names an expression reads: identifiers outside strings, except properties (after a dot),
 * an object literal's keys, and what functions written inside it bind (parameters, locals).
 */
function identifiers(expression: string): Set<string> {
  const code = expression.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  const bound = boundInside(code);
  const free = new Set<string>();
  for (const m of code.matchAll(IDENTIFIER)) {
    const before = code.slice(0, m.index).trimEnd();
    const after = code.slice(m.index + m[0].length).trimStart();
    const isKey = after.startsWith(':') && /[{,]$/.test(before);
    if (!before.endsWith('.') && !isKey && !bound.has(m[0])) free.add(m[0]);
  }
  return free;
}

/** Names bound inside an expression: parameters of arrows, functions and methods, and declared locals. */
function boundInside(code: string): Set<string> {
  const lists = [
    ...code.matchAll(/\(([^()]*)\)\s*(?::[^=]*?)?=>/g),
    ...code.matchAll(/([A-Za-z_$][\w$]*)\s*=>/g),
    ...code.matchAll(/\bfunction\b[^(]*\(([^)]*)\)/g),
    ...code.matchAll(/[\w$]\s*\(([^()]*)\)\s*(?::[^{]*)?\{/g),
    ...code.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g),
  ].map((m) => m[1]!);
  // Each parameter up to its type annotation or default: `x: Tensor = …`, `{ a, b }`, `...rest`.
  return new Set(lists.flatMap((list) => list.split(',').flatMap((p) => p.split(/[:=]/)[0]!.match(IDENTIFIER) ?? [])));
}

const ESM_IMPORT = /^\s*import\s+(?!type\s)(?:([\w$]+)\s*,?\s*)?(?:\*\s*as\s+([\w$]+)|\{([^}]*)\})?\s*from\s*(['"])([^'"]+)\4/gm;
const CJS_REQUIRE = /\b(?:const|let|var)\s+(?:([\w$]+)|\{([^}]*)\})\s*=\s*require\(\s*(['"])([^'"]+)\3\s*\)/g;

/** What the file's import declarations and `require` destructurings bind. */
function importsOf(source: string): Binding[] {
  const bindings: Binding[] = [];
  for (const [, name, namespace, named, , module] of source.matchAll(ESM_IMPORT)) {
    if (name) bindings.push({ module: module!, imported: 'default', local: name });
    if (namespace) bindings.push({ module: module!, imported: '*', local: namespace });
    for (const [imported, local] of specifiers(named, /\s+as\s+/)) bindings.push({ module: module!, imported, local });
  }
  for (const [, whole, named, , module] of source.matchAll(CJS_REQUIRE)) {
    if (whole) bindings.push({ module: module!, imported: '*', local: whole });
    for (const [imported, local] of specifiers(named, /\s*:\s*/)) bindings.push({ module: module!, imported, local });
  }
  return bindings;
}

function specifiers(list: string | undefined, rename: RegExp): [string, string][] {
  if (!list) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('type '))
    .map((s) => {
      const [imported, local = imported] = s.split(rename) as [string, string?];
      return [imported, local];
    });
}

function declares(source: string, name: string): boolean {
  return new RegExp(`\\b(?:const|let|var|function\\*?|class)\\s+${name.replace(/\$/g, '\\$')}\\b`).test(source);
}
