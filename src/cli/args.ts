import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { Mode } from '../check/index.js';
import { REPORT_KINDS, type ReportFlag } from './reports.js';

/** Which part of the targets this machine runs: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export interface CliOptions {
  /** Generated cases per target and law. */
  runs: number;
  seed: number;
  mode: Mode;
  /** 2: gradientsMatchFiniteDifferences checks the gradients of the gradients too (checkGradients' { order: 2 }). */
  order: 1 | 2;
  /** Only targets whose id matches this regular expression (checked when parsed). */
  filter?: string;
  /** Only this law (as named in the summary table). */
  law?: string;
  shard?: Shard;
  /** Replay one counterexample: the path a failure printed, with its seed. */
  path?: string;
  /** Where each requested report goes: a file, or `-` for standard output. */
  reports: Partial<Record<ReportFlag, string>>;
  power: boolean;
  /** Seconds one law may run on one target. */
  timeout: number;
  /** Seconds a module may take to load and show its exports. */
  loadTimeout: number;
  /** Worker processes running modules and laws at once. */
  workers: number;
}

export type Command =
  | { command: 'verify'; options: CliOptions }
  | { command: 'check'; modules: string[]; options: CliOptions }
  | { command: 'help' }
  | { command: 'version' };

/** Bad command-line use: exit 2 with the message and the usage text. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** fast-check's own default; `gradprop verify` takes ~8 s with it on two busy cores (a minute is the budget). */
export const DEFAULT_RUNS = 100;

/** The same default as the project's own property suites (vitest.setup.ts), overridable the same way. */
export const DEFAULT_SEED = 20201;

/** Far beyond any law of the zoo (the slowest takes well under a second), well short of a CI job's hour. */
export const DEFAULT_TIMEOUT = 120;

/** Loading a module that imports TensorFlow.js takes seconds; one that takes a minute is stuck. */
export const DEFAULT_LOAD_TIMEOUT = 60;

const reportUsage = REPORT_KINDS.map(({ flag, what }) => `  --${`${flag} FILE`.padEnd(16)}${what} (- for standard output)`).join('\n');

export const USAGE = `Usage:
  gradprop [verify] [options]            check every registered op and every zoo model
  gradprop check <module...> [options]   check the exports of TypeScript or JavaScript modules
  gradprop help | --version

Options:
  --runs N          generated cases per target and law (default ${DEFAULT_RUNS})
  --seed S          fast-check seed (default $GRADPROP_SEED, else ${DEFAULT_SEED})
  --mode M          checker mode: auto (default), fast or full
  --order N         1 (default) or 2: also check the gradients of the gradients
  --filter PATTERN  only targets whose name matches this regular expression
  --law NAME        only this law (e.g. gradientsMatchFiniteDifferences)
  --shard i/n       run the i-th of n deterministic parts of the targets (1-based)
  --path P          replay the counterexample at this fast-check path (with its --seed)
${reportUsage}
  --power           (check only) how many deliberately broken variants the checks catch
  --timeout S       seconds one law may run on one target (default ${DEFAULT_TIMEOUT})
  --load-timeout S  seconds a module may take to load (default ${DEFAULT_LOAD_TIMEOUT})
  --workers N       worker processes (default: the available cores, ${availableParallelism()} here)
  --version         print gradprop's version

Each module is loaded, and its laws run, in worker processes of its own: a module that exits,
crashes, hangs or leaves an unhandled rejection fails the run without stopping the others.

Exit codes: 0 every check passed; 1 a check failed, timed out or threw, or a module could not be
loaded or raised an error of its own; 2 usage error (a bad option, a module path that does not
exist, a report path that would overwrite a source file) or an internal error.`;

const COMMANDS = ['verify', 'check', 'help', 'version'] as const;

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        runs: { type: 'string' },
        seed: { type: 'string' },
        mode: { type: 'string' },
        order: { type: 'string' },
        filter: { type: 'string' },
        law: { type: 'string' },
        shard: { type: 'string' },
        path: { type: 'string' },
        ...Object.fromEntries(REPORT_KINDS.map(({ flag }) => [flag, { type: 'string' } as const])),
        power: { type: 'boolean' },
        timeout: { type: 'string' },
        'load-timeout': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const command = first ?? 'verify';
  if (values.help || command === 'help') return { command: 'help' };
  if (values.version || command === 'version') return { command: 'version' };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command '${command}' (expected ${COMMANDS.join(', ')}; to check a module: gradprop check ${command})`);
  }
  const options: CliOptions = {
    runs: values.runs === undefined ? DEFAULT_RUNS : integer('--runs', values.runs, 1),
    seed: values.seed !== undefined ? integer('--seed', values.seed) : env.GRADPROP_SEED ? integer('GRADPROP_SEED', env.GRADPROP_SEED) : DEFAULT_SEED,
    mode: mode(values.mode ?? 'auto'),
    order: order(values.order ?? '1'),
    reports: reports(values),
    power: values.power === true,
    timeout: values.timeout === undefined ? DEFAULT_TIMEOUT : seconds('--timeout', values.timeout),
    loadTimeout: values['load-timeout'] === undefined ? DEFAULT_LOAD_TIMEOUT : seconds('--load-timeout', values['load-timeout']),
    workers: values.workers === undefined ? availableParallelism() : integer('--workers', values.workers, 1),
  };
  if (values.filter !== undefined) options.filter = pattern(values.filter);
  if (values.law !== undefined) options.law = values.law;
  if (values.shard !== undefined) options.shard = shard(values.shard);
  if (values.path !== undefined) options.path = path(values.path);

  if (command === 'check') {
    if (rest.length === 0) throw new UsageError('check needs at least one module, e.g. gradprop check src/layers/*.ts');
    return { command, modules: rest, options };
  }
  if (rest.length > 0) throw new UsageError(`verify takes no modules (got ${rest.join(' ')}); to check modules: gradprop check ${rest.join(' ')}`);
  if (options.power) throw new UsageError('--power works with check: gradprop check --power <module...>');
  return { command: 'verify', options };
}

function integer(flag: string, text: string, min = -(2 ** 31)): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} must be an integer${min > 0 ? ` ≥ ${min}` : ''}, got '${text}'`);
  }
  return value;
}

function seconds(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) throw new UsageError(`${flag} must be a number of seconds > 0, e.g. 30 or 0.5; got '${text}'`);
  return value;
}

function reports(values: Record<string, unknown>): CliOptions['reports'] {
  const given = REPORT_KINDS.flatMap(({ flag }) => (typeof values[flag] === 'string' ? [[flag, values[flag]] as const] : []));
  return Object.fromEntries(given);
}

function mode(text: string): Mode {
  if (text === 'auto' || text === 'fast' || text === 'full') return text;
  throw new UsageError(`--mode must be auto, fast or full, got '${text}'`);
}

function order(text: string): 1 | 2 {
  if (text === '1' || text === '2') return Number(text) as 1 | 2;
  throw new UsageError(`--order must be 1 or 2, got '${text}'`);
}

function pattern(text: string): string {
  try {
    new RegExp(text);
    return text;
  } catch (error) {
    throw new UsageError(`--filter must be a regular expression: ${(error as Error).message}`);
  }
}

function shard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/3; got '${text}'`);
  return { index, count };
}

function path(text: string): string {
  if (!/^\d+(:\d+)*$/.test(text)) throw new UsageError(`--path must be a fast-check path such as 3:0:1, got '${text}'`);
  return text;
}
