import type { Mode } from '../check/index.js';

export interface Invocation {
  command: 'verify' | 'check';
  mode: Mode;
  order: 1 | 2;
}

/**
 * The command that replays one failing law on one target: the same seed, fast-check's path to the
 * shrunk counterexample, and a filter matching that target's id exactly.
 */
export function replayCommand({ command, mode, order }: Invocation, target: { id: string; module?: string }, law: string, seed: number, path: string): string {
  const args = ['npx', 'gradprop', command, ...(target.module === undefined ? [] : [target.module])];
  args.push('--filter', `^${target.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, '--law', law, '--seed', String(seed), '--path', path);
  if (mode !== 'auto') args.push('--mode', mode);
  if (order !== 1) args.push('--order', String(order));
  return args.map(shellQuote).join(' ');
}

/** POSIX shell quoting: plain words as they are, anything else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
