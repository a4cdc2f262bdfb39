import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type CliOptions, type Command, USAGE, UsageError, parseCli } from './args.js';
import { thrown } from './describe.js';
import { type Discovery, discover } from './discover.js';
import { type PowerResult, type RunResult, type TargetResult, jsonText } from './json.js';
import { verifyCurves } from './curves.js';
import { junitXml } from './junit.js';
import { type ProgressStream, progress } from './progress.js';
import { runPower } from './power.js';
import { CHECKABLE } from './recognise.js';
import { runTargets } from './run.js';
import { formatRun, useColour } from './table.js';
import { type Target, select } from './targets.js';
import { verifyTargets } from './verify.js';

export interface Io {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A command that runs checks. */
type Run = Exclude<Command, { command: 'help' }>;

const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });

/** The gradprop command: returns the exit code (0 all passed, 1 a check failed, 2 usage error or unloadable module). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<0 | 1 | 2> {
  let command: Command;
  try {
    command = parseCli(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`gradprop: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { options } = command;
  const started = performance.now();
  const found: Discovery = command.command === 'verify' ? { targets: verifyTargets(), skipped: [], moduleErrors: [] } : await discover(command.modules, io.cwd);
  const problem = selectionProblem(command, found, options);
  if (problem !== undefined) {
    io.stderr.write(`gradprop: ${problem}\n`);
    return 2;
  }
  const selected = select(found.targets, options);
  const invocation = { command: command.command, mode: options.mode };
  const targets = runTargets(selected, { invocation, options, progress: progress(io.stderr), cwd: io.cwd });
  const power = options.power ? runPower(selected, options) : [];
  const result = assemble(command, found, selected, targets, power, performance.now() - started);

  io.stdout.write(formatRun(result, useColour(io.stdout, io.env)));
  try {
    if (options.json !== undefined) write(resolve(io.cwd, options.json), jsonText(result));
    if (options.junit !== undefined) write(resolve(io.cwd, options.junit), junitXml(result));
    // the report's plotting library loads only when a report is asked for
    if (options.html !== undefined) write(resolve(io.cwd, options.html), (await import('../report/index.js')).renderHtml(result));
  } catch (error) {
    io.stderr.write(`gradprop: could not write the report: ${thrown(error)}\n`);
    return 2;
  }
  return result.exitCode;
}

/** A run that would check nothing is a usage error: a typo in --filter or --law must not pass CI. */
function selectionProblem(command: Run, found: Discovery, { filter, law }: CliOptions): string | undefined {
  if (command.command === 'check' && found.targets.length === 0 && found.moduleErrors.length === 0) {
    const skipped = found.skipped.map((s) => `\n  ${s.module}, export ${s.export}: ${s.reason}`).join('');
    return `nothing to check in ${command.modules.join(' ')}: no export is ${CHECKABLE}${skipped}`;
  }
  if (filter !== undefined && found.targets.length > 0 && select(found.targets, { filter }).length === 0) {
    return `--filter ${filter} matches none of the ${found.targets.length} targets (${found.targets.slice(0, 8).map((t) => t.id).join(', ')}${found.targets.length > 8 ? ', …' : ''})`;
  }
  const laws = [...new Set(found.targets.flatMap((t) => t.laws.map((l) => l.law)))];
  if (law !== undefined && laws.length > 0 && !laws.includes(law)) return `--law ${law} is none of the laws run here: ${laws.join(', ')}`;
  return undefined;
}

function assemble(command: Run, found: Discovery, selected: readonly Target[], targets: TargetResult[], power: PowerResult[], durationMs: number): RunResult {
  const { options } = command;
  const laws = targets.flatMap((t) => t.laws);
  const count = (verdict: string) => laws.filter((l) => l.verdict === verdict).length;
  const errors = count('error') + targets.filter((t) => t.verdict === 'error').length;
  const failed = count('fail') > 0 || errors > 0 || power.some((p) => !p.ok);
  return {
    command: command.command,
    modules: command.command === 'check' ? command.modules : [],
    options: {
      runs: options.runs,
      seed: options.seed,
      mode: options.mode,
      filter: options.filter ?? null,
      law: options.law ?? null,
      shard: options.shard ? `${options.shard.index}/${options.shard.count}` : null,
      path: options.path ?? null,
    },
    exitCode: found.moduleErrors.length > 0 ? 2 : failed ? 1 : 0,
    durationMs,
    summary: { targets: targets.length, laws: laws.length, passed: count('pass'), failed: count('fail'), errors, skipped: count('skipped') },
    targets,
    skipped: found.skipped,
    moduleErrors: found.moduleErrors,
    power,
    curves: command.command === 'verify' ? verifyCurves(selected, options.seed) : [],
  };
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
