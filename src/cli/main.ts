import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, USAGE, UsageError, parseCli } from './args.js';
import { type ProgressStream, progress } from './progress.js';
import { STDOUT, reportPathProblem, writeReports } from './reports.js';
import { type Run, runSession } from './session.js';
import { formatRun, useColour } from './table.js';

export interface Io {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });

/**
 * The gradprop command: returns the exit code (0 all passed; 1 a check failed, or a module failed
 * to load or raised an error of its own; 2 usage error). The summary and every requested report are
 * written whatever the user's modules do: they run in worker processes, never in this one.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<0 | 1 | 2> {
  let command: Command;
  try {
    command = parseCli(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`gradprop: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.command === 'help' || command.command === 'version') {
    io.stdout.write(`${command.command === 'help' ? USAGE : version()}\n`);
    return 0;
  }
  const { options } = command;
  const problem = inputProblem(command, io.cwd);
  if (problem !== undefined) {
    io.stderr.write(`gradprop: ${problem}\n`);
    return 2;
  }
  const session = await runSession(command, io.cwd, progress(io.stderr));
  if ('problem' in session) {
    io.stderr.write(`gradprop: ${session.problem}\n`);
    return 2;
  }
  const { result } = session;
  // With a report on standard output, the table goes to standard error: stdout stays parseable.
  const human = Object.values(options.reports).includes(STDOUT) ? io.stderr : io.stdout;
  human.write(formatRun(result, useColour(human, io.env)));
  try {
    await writeReports(result, options.reports, io.cwd, io.stdout);
  } catch (error) {
    io.stderr.write(`gradprop: ${(error as Error).message}\n`);
    return 2;
  }
  return result.exitCode;
}

/** Modules that are not there, and report paths that would overwrite something: found before anything runs. */
function inputProblem(command: Run, cwd: string): string | undefined {
  const modules = command.command === 'check' ? command.modules : [];
  const missing = modules.flatMap((module) => {
    const file = resolve(cwd, module);
    if (!existsSync(file)) return [`${module}: no such file (looked for ${file})`];
    return statSync(file).isDirectory() ? [`${module} is a directory; pass module files, e.g. gradprop check ${module}/*.ts`] : [];
  });
  return missing.length > 0 ? missing.join('\n') : reportPathProblem(command.options.reports, modules, cwd);
}

/** The version in gradprop's package.json, two folders up from this file whether it runs from src/cli or dist/cli. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
