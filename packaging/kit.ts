/** What the consumer test's scenarios do with their projects: run commands, install, measure. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, lstatSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository, and the folder the tarball and the projects go to. */
export const repo = resolve(import.meta.dirname, '..');
export const work = mkdtempSync(join(tmpdir(), 'gradprop-package-'));

/** A command's outcome; `ok` is exit code 0. */
export interface Ran {
  ok: boolean;
  status: number | null;
  output: string;
}

/** Runs a command to completion, output captured (stdout then stderr). */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Ran {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Like run, but a failure throws with the command and its output. */
export function must(command: string, args: readonly string[], cwd: string, env?: Record<string, string>): string {
  const ran = run(command, args, cwd, env);
  if (!ran.ok) throw new Error(`${command} ${args.join(' ')} exited with ${ran.status}:\n${ran.output}`);
  return ran.output;
}

/** A scenario's project: packaging/projects/<name> and the shared layers, with the tarball and `deps` installed. */
export function project(name: string, tarball: string, deps: readonly string[] = [], layers: 'esm' | 'cjs' | 'both' = 'esm'): string {
  const dir = join(work, name);
  cpSync(join(repo, 'packaging', 'projects', name), dir, { recursive: true });
  const shared = join(repo, 'packaging', 'projects');
  if (layers === 'both') {
    copyFileSync(join(shared, 'layers.mjs'), join(dir, 'layers.mjs'));
    copyFileSync(join(shared, 'layers.cjs'), join(dir, 'layers.cjs'));
  } else {
    copyFileSync(join(shared, layers === 'esm' ? 'layers.mjs' : 'layers.cjs'), join(dir, 'layers.js'));
  }
  must('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...deps], dir);
  return dir;
}

/** Bytes on disk under a folder: links not followed, a file hard-linked twice (esbuild's binary) counted once. */
export function sizeOf(path: string, seen = new Set<number>()): number {
  const stat = lstatSync(path);
  if (seen.has(stat.ino)) return 0;
  seen.add(stat.ino);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, entry) => total + sizeOf(join(path, entry), seen), 0);
}

