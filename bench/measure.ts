/**
 * Timing that survives a shared, noisy machine: contenders run in alternation (a burst of load
 * hits all of them alike), each sample repeats a call often enough to last a few milliseconds
 * (a 10 µs call is below the timer's resolution), each sample is the process's CPU time (not the
 * time it spent waiting for a core), and what is reported is the median.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Contender {
  name: string;
  run: () => unknown;
}

export interface Timing {
  /** Median CPU milliseconds per call (this process's user + system time). */
  median: number;
  /** Median wall-clock milliseconds per call. */
  wall: number;
  /** CPU milliseconds per call in each sample, in the order they ran. */
  samples: number[];
  /** Calls per sample. */
  reps: number;
}

export interface AlternateOptions {
  /** Samples per contender after warm-up (at least 10 for the report). */
  samples?: number;
  /** Each sample repeats the call until it lasts about this long. */
  sampleMs?: number;
  /** Warm-up per contender (JIT, caches), and at least two calls. */
  warmupMs?: number;
}

export function alternate(contenders: readonly Contender[], options: AlternateOptions = {}): Record<string, Timing> {
  const { samples = 11, sampleMs = 25, warmupMs = 300 } = options;
  const reps = contenders.map((c) => {
    const start = performance.now();
    let calls = 0;
    do {
      c.run();
      calls++;
    } while (calls < 2 || performance.now() - start < warmupMs);
    const perCall = (performance.now() - start) / calls;
    return Math.max(1, Math.round(sampleMs / perCall));
  });
  const times = contenders.map(() => [] as number[]);
  const walls = contenders.map(() => [] as number[]);
  for (let s = 0; s < samples; s++) {
    // rotate who goes first, so that no contender always follows the same one
    for (let j = 0; j < contenders.length; j++) {
      const i = (s + j) % contenders.length;
      const start = performance.now();
      const cpuStart = cpuMs();
      for (let r = 0; r < reps[i]!; r++) contenders[i]!.run();
      times[i]!.push((cpuMs() - cpuStart) / reps[i]!);
      walls[i]!.push((performance.now() - start) / reps[i]!);
    }
  }
  return Object.fromEntries(
    contenders.map((c, i) => [c.name, { median: median(times[i]!), wall: median(walls[i]!), samples: times[i]!, reps: reps[i]! }]),
  );
}

/**
 * CPU time of this process. On a machine shared with other jobs, wall time also counts the time
 * the process waited for a core; CPU time does not, so it is what the ratios are made of.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds of one call of `f` (one run, for costs too large to repeat). */
export function once<T>(f: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = f();
  return { ms: performance.now() - start, value };
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended. */
  loadStart: number;
  loadEnd?: number;
}

export function machine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1]!.trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return { cpus: cpus().length, cpuModel, node: process.version, platform: `${process.platform} ${process.arch}`, loadStart: loadavg()[0]! };
}

export function load(): number {
  return loadavg()[0]!;
}

/** A time for people: 12.3 µs, 4.56 ms, 7.89 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×` : '—';
}

/** A markdown table: readable in a terminal and pasteable into BENCHMARKS.md. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
