/**
 * The worker processes of a run. Each loads one source and never another, so whatever a module's
 * code does to its process — exit, crash, hang, leave errors behind, patch globals — reaches no
 * other module (vitest isolates test files the same way). A job goes to a free worker that has its
 * source loaded, else to a new one; at most `size` run at once. Of a source's queued jobs, a worker
 * takes the one stretches.ts picks: it keeps to neighbouring jobs, whose code it has compiled. Loading the source is timed
 * against loadTimeoutMs and the job itself against timeoutMs: a worker past either is killed, and
 * its job reported with how far it got.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProgress } from './progress-file.js';
import { type Job, type Results, type Source, type Task, type WorkerMessage, sourceKey } from './protocol.js';
import type { LawProgress } from './run.js';
import { nextJob } from './stretches.js';

export interface PoolOptions {
  size: number;
  /** How long a job may run once its worker has loaded the source. */
  timeoutMs: number;
  /** How long a worker may take to load its source and find its targets. */
  loadTimeoutMs: number;
  /** An error a source's code raised outside any job: a rejection no one handled, a timer's throw, an exit between jobs. */
  onStray(source: Source, message: string): void;
}

export type Outcome<T> = { value: T } | { failure: Failure };

/** A job that did not finish: its worker was killed for time, ended by what ran in it, or gradprop failed in it. */
export interface Failure {
  phase: 'load' | 'run';
  how: 'timeout' | 'ended' | 'bug';
  /** How the worker ended ("it called process.exit(0) (at x.ts:4:3)"), or gradprop's stack; empty for a timeout. */
  cause: string;
  /** The last progress the job reported. */
  progress: LawProgress | null;
  /** Milliseconds the job ran after its source was loaded. */
  runMs: number;
}

const self = fileURLToPath(import.meta.url);
/** worker.ts when gradprop runs from its sources (then under tsx's loader, as this process is), worker.js when built. */
const WORKER = fileURLToPath(new URL(`./worker${extname(self)}`, import.meta.url));
const EXEC_ARGV = extname(self) === '.ts' ? [...process.execArgv, '--import', import.meta.resolve('tsx/esm')] : process.execArgv;
const CRASHES = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT']);

/**
 * How long a job waits for its source's worker before another worker is started for it. Starting a
 * worker costs more CPU (a fifth of a second, more from sources) than a law at fixed inputs takes;
 * jobs that keep a worker busy this long are worth a second one.
 */
const PATIENCE_MS = 200;

interface Queued {
  /** Its place in the queue: jobs are numbered in the order they were queued. */
  seq: number;
  task: Task;
  resolve(outcome: Outcome<unknown>): void;
  /** When it was queued. */
  since: number;
}

export class WorkerPool {
  readonly #workers = new Set<Worker>();
  readonly #queue: Queued[] = [];
  /** Sources whose every job has been queued: their idle workers may give up their slots. */
  readonly #released = new Set<string>();
  /** Where each worker writes how far its law has got (progress-file.ts). */
  readonly #progress = mkdtempSync(join(tmpdir(), 'gradprop-progress-'));
  #spawned = 0;
  #queued = 0;
  /** A dispatch to come, for jobs that wait for their source's worker. */
  #later?: NodeJS.Timeout;

  constructor(private readonly options: PoolOptions) {}

  /** Do the job in a worker that has loaded its source; resolves however that worker ends. */
  run<J extends Job>(source: Source, job: J): Promise<Outcome<Results[J['type']]>> {
    return new Promise((resolve) => {
      this.#queue.push({ seq: this.#queued++, task: { source, job }, resolve: resolve as Queued['resolve'], since: performance.now() });
      this.#dispatch();
    });
  }

  /**
   * Every job for this source has been queued. Until then an idle worker keeps the source loaded for
   * the jobs to come, rather than give up its slot to another source's.
   */
  release(source: Source): void {
    this.#released.add(sourceKey(source));
    this.#dispatch();
  }

  /** Start workers for these sources in the free slots, so they are ready when their jobs come. */
  warm(sources: readonly Source[]): void {
    for (let i = 0; sources.length > 0 && this.#workers.size < this.options.size; i++) this.#spawn(sources[i % sources.length]!);
  }

  /** Stop every worker: a module's pending timers and promises are of no interest once its laws are done. */
  close(): void {
    clearTimeout(this.#later);
    for (const worker of this.#workers) worker.retire();
    this.#workers.clear();
    rmSync(this.#progress, { recursive: true, force: true });
  }

  #dispatch(): void {
    for (const worker of this.#workers) {
      const next = worker.idle ? this.#take(worker.key, worker.last) : undefined;
      if (next) worker.start(next);
    }
    for (;;) {
      // A source with no worker needs one now; one with a worker gets another once its jobs wait.
      const now = performance.now();
      const waiting = this.#queue.find((q) => now - q.since >= PATIENCE_MS || ![...this.#workers].some((w) => w.key === sourceKey(q.task.source)));
      if (!waiting || !this.#makeRoom()) break;
      const queued = this.#take(sourceKey(waiting.task.source), undefined)!;
      this.#spawn(queued.task.source).start(queued);
    }
    if (this.#queue.length > 0 && this.#later === undefined) {
      this.#later = setTimeout(() => {
        this.#later = undefined;
        this.#dispatch();
      }, PATIENCE_MS);
    }
  }

  /** Removes and returns the queued job of this source for a worker whose last job was `last`, beside the source's other workers. */
  #take(key: string, last: number | undefined): Queued | undefined {
    const heading = new Set([...this.#workers].flatMap((w) => (w.key === key && w.last !== undefined ? [w.last] : [])));
    const seq = nextJob(this.#queue.filter((q) => sourceKey(q.task.source) === key).map((q) => q.seq), last, heading);
    const index = this.#queue.findIndex((q) => q.seq === seq);
    return index < 0 ? undefined : this.#queue.splice(index, 1)[0];
  }

  /** Whether a new worker may start: a slot is free, or an idle worker whose source needs it no more gives up its own. */
  #makeRoom(): boolean {
    if (this.#workers.size < this.options.size) return true;
    const spare = [...this.#workers].find((w) => w.idle && this.#released.has(w.key) && !this.#queue.some((q) => sourceKey(q.task.source) === w.key));
    if (spare === undefined) return false;
    spare.retire();
    this.#workers.delete(spare);
    return true;
  }

  #spawn(source: Source): Worker {
    const worker = new Worker(source, join(this.#progress, String(++this.#spawned)), this.options, {
      idle: () => this.#dispatch(),
      gone: () => {
        this.#workers.delete(worker);
        this.#dispatch();
      },
    });
    this.#workers.add(worker);
    return worker;
  }
}

interface Current {
  queued: Queued;
  phase: 'load' | 'run';
  timedOut: boolean;
  timer?: NodeJS.Timeout;
  started: number;
}

/** One worker process, seen from the main process: the job it runs, its time limit, how it ended. */
class Worker {
  readonly key: string;
  /** The number of the job it last started. */
  last?: number;
  readonly #child: ChildProcess;
  #ready = false;
  #retired = false;
  #ended = false;
  #current?: Current;
  #exitCall?: { code: string; at: string };

  constructor(
    readonly source: Source,
    private readonly progressFile: string,
    private readonly options: PoolOptions,
    private readonly events: { idle(): void; gone(): void },
  ) {
    this.key = sourceKey(source);
    // The worker's standard output goes to our standard error: a module's console.log must not
    // reach a report written to standard output.
    this.#child = fork(WORKER, [progressFile], { execArgv: EXEC_ARGV, stdio: ['ignore', 2, 2, 'ipc'], serialization: 'advanced' });
    this.#child.on('message', (message: WorkerMessage) => this.#receive(message));
    this.#child.on('exit', (code, signal) => this.#end(code === null ? '' : `the process exited with code ${code}`, signal));
    this.#child.on('error', (error) => this.#end(`the process failed: ${error.message}`, null));
  }

  get idle(): boolean {
    return this.#ready && this.#current === undefined && !this.#retired;
  }

  start(queued: Queued): void {
    this.last = queued.seq;
    this.#current = { queued, phase: 'load', timedOut: false, started: performance.now() };
    if (this.#ready) this.#send();
  }

  retire(): void {
    this.#retired = true;
    this.#child.kill('SIGKILL');
  }

  #send(): void {
    writeFileSync(this.progressFile, ''); // no progress yet: what a previous law wrote is not this one's
    this.#child.send(this.#current!.queued.task, () => {}); // a worker that died meanwhile is reported by its exit
    this.#limit(this.options.loadTimeoutMs);
  }

  #limit(ms: number): void {
    const current = this.#current!;
    clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      current.timedOut = true;
      this.#child.kill('SIGKILL');
    }, ms);
  }

  #receive(message: WorkerMessage): void {
    const current = this.#current;
    switch (message.type) {
      case 'ready':
        this.#ready = true;
        if (current) this.#send();
        else this.events.idle();
        return;
      case 'loaded':
        current!.phase = 'run';
        current!.started = performance.now();
        this.#limit(this.options.timeoutMs);
        return;
      case 'done':
        this.#finish({ value: message.value });
        this.events.idle();
        return;
      case 'failed':
        this.#finish({ failure: this.#failure('bug', message.message) });
        this.events.idle();
        return;
      case 'stray':
        this.options.onStray(this.source, message.message);
        return;
      case 'exit':
        this.#exitCall = message;
        return;
    }
  }

  #finish(outcome: Outcome<unknown>): void {
    const { queued, timer } = this.#current!;
    clearTimeout(timer);
    this.#current = undefined;
    queued.resolve(outcome);
  }

  #failure(how: Failure['how'], cause: string): Failure {
    const { phase, started } = this.#current!;
    return { phase, how, cause, progress: readProgress(this.progressFile), runMs: phase === 'run' ? performance.now() - started : 0 };
  }

  #end(exited: string, signal: NodeJS.Signals | null): void {
    if (this.#ended) return;
    this.#ended = true;
    const cause = this.#exitCall
      ? `it called process.exit(${this.#exitCall.code})${this.#exitCall.at}`
      : signal
        ? `the process was killed by ${signal}${CRASHES.has(signal) ? ' (a crash)' : ''}`
        : exited;
    if (this.#current) this.#finish({ failure: this.#current.timedOut ? this.#failure('timeout', '') : this.#failure('ended', cause) });
    else if (!this.#retired) this.options.onStray(this.source, `its worker process ended between laws: ${cause}`);
    this.events.gone();
  }
}
