/**
 * `gradprop verify` (default runs) on one worker and on every core, its workers at gradprop's
 * inlining budget (src/cli/inlining.ts) and at V8's default: each run's wall time, the CPU time of
 * its whole process tree, and the cores the machine's other processes kept busy meanwhile; the
 * settings alternated so a burst of load from other jobs hits them alike, the median of several
 * runs each, and the ratio of the medians; and whether the JSON of every run agrees apart from
 * timings, as it must.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { INLINING_FLAG } from '../src/cli/inlining.js';
import { type RunResult, withoutTimings } from '../src/cli/json.js';
import { formatMs, load, median, table } from './measure.js';

/** Whose inlining budget the workers ran with. */
export type Inlining = 'gradprop' | 'V8 default';

export interface WorkersRun {
  workers: number;
  inlining: Inlining;
  wallMs: number;
  /** User + system time of gradprop and its worker processes (Linux; NaN elsewhere). */
  cpuMs: number;
  /** Cores the machine's other processes kept busy during the run, on average (Linux; NaN elsewhere). */
  othersCores: number;
  exitCode: number | null;
  /** 1-minute load average just before the run. */
  load: number;
}

export interface WorkersBench {
  cores: number;
  /** V8's default inlining budget, or null when this Node's V8 has no such flag (then only gradprop's budget runs). */
  v8Budget: number | null;
  /** Linux shares the CPU between sessions before it shares it between their processes (autogroup). */
  autogroup: boolean;
  runs: WorkersRun[];
  /** At gradprop's budget: median wall time on every core over median wall time on one worker. */
  ratio: number;
  /** The JSON of every run is the same apart from timings. */
  sameJson: boolean;
}

export function benchWorkers(repeats: number, log = console.log): WorkersBench {
  const cores = availableParallelism();
  const v8Budget = defaultInliningBudget();
  const scratch = mkdtempSync(join(tmpdir(), 'gradprop-bench-workers-'));
  const runs: WorkersRun[] = [];
  const results: RunResult[] = [];
  const settings = (inlining: Inlining, r: number) => (r % 2 === 0 ? [1, cores] : [cores, 1]).map((workers) => ({ workers, inlining }));
  try {
    for (let r = 0; r < repeats; r++) {
      for (const { workers, inlining } of [...settings('gradprop', r), ...(v8Budget === null ? [] : settings('V8 default', r))]) {
        const json = join(scratch, `${runs.length}.json`);
        const run = timedVerify(workers, inlining === 'gradprop' ? [] : [`${INLINING_FLAG}=${v8Budget}`], json);
        runs.push({ ...run, inlining });
        results.push(JSON.parse(readFileSync(json, 'utf8')) as RunResult);
        log(`  --workers ${workers}, ${inlining} inlining: ${formatMs(run.wallMs)} wall, ${formatMs(run.cpuMs)} CPU (exit ${run.exitCode}, load ${run.load.toFixed(2)}, others busy ${run.othersCores.toFixed(2)} cores)`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const first = withoutTimings(results[0]!);
  return {
    cores,
    v8Budget,
    autogroup: autogroupEnabled(),
    runs,
    ratio: medianOf(runs, cores, 'gradprop', 'wallMs') / medianOf(runs, 1, 'gradprop', 'wallMs'),
    sameJson: results.every((result) => isDeepStrictEqual(withoutTimings(result), first)),
  };
}

export function medianOf(runs: readonly WorkersRun[], workers: number, inlining: Inlining, of: 'wallMs' | 'cpuMs' | 'othersCores'): number {
  return median(runs.filter((r) => r.workers === workers && r.inlining === inlining).map((r) => r[of]));
}

function timedVerify(workers: number, v8Flags: string[], json: string): Omit<WorkersRun, 'inlining'> {
  const before = { load: load(), cpu: childrenCpuMs(), machine: machineBusyMs() };
  const started = performance.now();
  const run = spawnSync(process.execPath, [...v8Flags, 'bin/gradprop.js', 'verify', '--workers', String(workers), '--json', json], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = performance.now() - started;
  const cpuMs = childrenCpuMs() - before.cpu;
  // this process waits meanwhile: what the machine did beyond gradprop's own CPU, others did
  const othersCores = (machineBusyMs() - before.machine - cpuMs) / wallMs;
  return { workers, wallMs, cpuMs, othersCores: Math.max(0, othersCores), exitCode: run.status, load: before.load };
}

/** The budget V8 inlines with unless told otherwise, as this Node's `--v8-options` states it. */
function defaultInliningBudget(): number | null {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout ?? '';
  const stated = new RegExp(`default: ${INLINING_FLAG}=(\\d+)`).exec(options);
  return stated ? Number(stated[1]) : null;
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

/** CPU time every process on the machine has used since boot (Linux's /proc/stat, all cores), in ms. */
function machineBusyMs(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * 10;
  } catch {
    return NaN;
  }
}

function autogroupEnabled(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

export function workersTable({ cores, runs }: WorkersBench): string {
  const row = (workers: number, inlining: Inlining) => {
    const these = runs.filter((r) => r.workers === workers && r.inlining === inlining);
    const each = (show: (r: WorkersRun) => string) => these.map(show).join(', ');
    return [`--workers ${workers}`, inlining, formatMs(medianOf(runs, workers, inlining, 'wallMs')), formatMs(medianOf(runs, workers, inlining, 'cpuMs')),
      each((r) => formatMs(r.wallMs)), each((r) => r.othersCores.toFixed(1)), each((r) => r.load.toFixed(1))];
  };
  const inlinings = [...new Set(runs.map((r) => r.inlining))];
  return table(['gradprop verify', 'inlining', 'median wall', 'median CPU', 'wall of each run', "others' cores in each", 'load before each'],
    inlinings.flatMap((inlining) => [row(1, inlining), row(cores, inlining)]));
}
