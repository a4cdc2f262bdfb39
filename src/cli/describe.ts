import { relative } from 'node:path';

/** What `gradprop check` can check, in the words of its messages. */
export const CHECKABLE = 'an op made with defineOp, a Differentiable, a model or a spec { target, inputs }';

/** "fixtures/cli/x.ts, export lonely" or "ops/tanh": how messages name a target. */
export function where({ id, module }: { id: string; module?: string }): string {
  return module === undefined ? id : `${module}, export ${id}`;
}

/** An error as one line: "TypeError: x is not a function". User code can throw anything, even a value that throws when shown. */
export function thrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'a value that throws when shown';
  }
}

/** Where an error was thrown, as " (at file:line:column)" relative to cwd, when its stack names a file; a stack trace is never printed whole. */
export function frame(error: unknown, cwd: string): string {
  let stack: unknown;
  try {
    stack = (error as Error | undefined)?.stack;
  } catch {
    return '';
  }
  if (typeof stack !== 'string') return '';
  const match = /[(\s]((?:file:\/\/)?\/[^()\s]+?):(\d+):(\d+)\)?$/m.exec(stack); // a file path, not node:internal/…
  if (!match) return '';
  return ` (at ${relative(cwd, match[1]!.replace(/^file:\/\//, ''))}:${match[2]}:${match[3]})`;
}
