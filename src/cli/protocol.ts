/**
 * What the main process and a worker process say to each other. Everything that crosses is plain
 * data (structured clone): user code, and the targets built from it, stay in the worker.
 */
import type { VerifyCurves } from './curves.js';
import type { PowerResult, LawResult, SkippedExport } from './json.js';
import type { LawSettings } from './run.js';
import type { TargetInfo } from './targets.js';

/** What a worker loads: gradprop's own registry and zoo (verify), or one user module (check). */
export type Source = { kind: 'verify' } | { kind: 'module'; /** as given on the command line */ module: string; file: string };

/** One worker process loads one source; jobs for the same source can share a worker. */
export const sourceKey = (source: Source): string => (source.kind === 'verify' ? 'verify' : source.file);

/** What a worker can be asked to do with its source. */
export type Job =
  | { type: 'discover' }
  | { type: 'law'; target: string; law: string; settings: LawSettings }
  | { type: 'power'; target: string; settings: LawSettings }
  /** verify only: a zoo model's loss curve and gradient norms over time, for the HTML report. */
  | { type: 'curves'; model: string; seed: number };

/** What each job gives back. */
export interface Results {
  discover: DiscoveryInfo;
  law: LawResult;
  power: PowerResult;
  curves: VerifyCurves;
}

/** A source's targets and skipped exports, or why it could not be loaded. */
export type DiscoveryInfo = { targets: TargetInfo[]; skipped: SkippedExport[] } | { error: string };

export interface Task {
  source: Source;
  job: Job;
}

export type WorkerMessage =
  /** Started, with gradprop loaded: ready for a task. */
  | { type: 'ready' }
  /** The task's source is loaded and its targets found; the job itself starts now. */
  | { type: 'loaded' }
  | { type: 'done'; value: Results[Job['type']] }
  /** gradprop itself failed while doing the job (a bug): the stack. */
  | { type: 'failed'; message: string }
  /** User code raised an error outside any law: a rejection no one handled, a throw in a timer. */
  | { type: 'stray'; message: string }
  /** User code called process.exit; sent just before the process ends. */
  | { type: 'exit'; code: string; at: string };
