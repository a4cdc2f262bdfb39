/**
 * `gradprop verify` (default runs) on one worker and on every core: each run's wall time and the
 * CPU time of its whole process tree, the two settings alternated so a burst of load from the
 * machine's other jobs hits both alike, the median of several runs each, and the ratio of the
 * medians; and whether the JSON of the two agrees apart from timings, as it must.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type RunResult, withoutTimings } from '../src/cli/json.js';
import { formatMs, load, median, table } from './measure.js';

export interface WorkersRun {
  workers: number;
  wallMs: number;
  /** User + system time of gradprop and its worker processes (Linux; NaN elsewhere). */
  cpuMs: number;
  exitCode: number | null;
  /** 1-minute load average just before the run. */
  load: number;
}

export interface WorkersBench {
  cores: number;
  runs: WorkersRun[];
  /** Median wall time on every core over median wall time on one worker. */
  ratio: number;
  /** The JSON of every run is the same apart from timings. */
  sameJson: boolean;
}

export function benchWorkers(repeats: number, log = console.log): WorkersBench {
  const cores = availableParallelism();
  const scratch = mkdtempSync(join(tmpdir(), 'gradprop-bench-workers-'));
  const runs: WorkersRun[] = [];
  const results: RunResult[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      for (const workers of r % 2 === 0 ? [1, cores] : [cores, 1]) {
        const json = join(scratch, `${workers}-${r}.json`);
        const run = timedVerify(workers, json);
        runs.push(run);
        results.push(JSON.parse(readFileSync(json, 'utf8')) as RunResult);
        log(`  --workers ${workers}: ${formatMs(run.wallMs)} wall, ${formatMs(run.cpuMs)} CPU (exit ${run.exitCode}, load ${run.load.toFixed(2)})`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const wall = (workers: number) => median(runs.filter((r) => r.workers === workers).map((r) => r.wallMs));
  const first = withoutTimings(results[0]!);
  return { cores, runs, ratio: wall(cores) / wall(1), sameJson: results.every((result) => isDeepStrictEqual(withoutTimings(result), first)) };
}

function timedVerify(workers: number, json: string): WorkersRun {
  const before = { load: load(), cpu: childrenCpuMs() };
  const started = performance.now();
  const run = spawnSync(process.execPath, ['bin/gradprop.js', 'verify', '--workers', String(workers), '--json', json], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { workers, wallMs: performance.now() - started, cpuMs: childrenCpuMs() - before.cpu, exitCode: run.status, load: before.load };
}

/** CPU time of this process's finished children and theirs (Linux's cutime + cstime), in ms. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

export function workersTable({ cores, runs }: WorkersBench): string {
  const of = (workers: number) => runs.filter((r) => r.workers === workers);
  const row = (workers: number) => {
    const these = of(workers);
    return [`--workers ${workers}`, formatMs(median(these.map((r) => r.wallMs))), formatMs(median(these.map((r) => r.cpuMs))), these.map((r) => formatMs(r.wallMs)).join(', '), these.map((r) => r.load.toFixed(1)).join(', ')];
  };
  return table(['gradprop verify', 'median wall', 'median CPU', 'wall of each run', 'load before each'], [row(1), row(cores)]);
}
