import { describeValue } from '../autodiff/index.js';
import { isTensor } from '../tensor/index.js';
import { relative } from 'node:path';

/** "fixtures/cli/x.ts, export lonely" or "ops/tanh": how messages name a target. */
export function where({ id, module }: { id: string; module?: string }): string {
  return module === undefined ? id : `${module}, export ${id}`;
}

/** An error as one line: "TypeError: x is not a function". */
export function thrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Where an error was thrown, as " (at file:line:column)" relative to cwd, when its stack names a file; a stack trace is never printed whole. */
export function frame(error: unknown, cwd: string): string {
  const stack = (error as Error | undefined)?.stack ?? '';
  const match = /[(\s]((?:file:\/\/)?\/[^()\s]+?):(\d+):(\d+)\)?$/m.exec(stack); // a file path, not node:internal/…
  if (!match) return '';
  return ` (at ${relative(cwd, match[1]!.replace(/^file:\/\//, ''))}:${match[2]}:${match[3]})`;
}

/** A value that is not checkable, in a few words: "a function (helper)", "an object with keys a, b". */
export function describeExport(value: unknown): string {
  if (typeof value === 'function') {
    const kind = /^class\b/.test(Function.prototype.toString.call(value)) ? 'a class' : 'a function';
    return value.name ? `${kind} (${value.name})` : kind;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isTensor(value)) {
    const constructor = Object.getPrototypeOf(value)?.constructor as { name?: string } | undefined;
    if (constructor && constructor !== Object && constructor.name) return `an instance of ${constructor.name}`;
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an object with no keys' : `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
  }
  return describeValue(value);
}
