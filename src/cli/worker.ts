/**
 * A worker process, started by pool.ts. It loads one source — one user module, or gradprop's own
 * registry for verify — finds its targets, and runs the jobs the main process sends, one at a time.
 * Whatever user code does to a process happens here: an exit, a crash or a hang ends this process
 * and the main process reports it; an error raised asynchronously (a rejection no one handled, a
 * throw in a timer) is reported from here, against the law that was running, else the module.
 */
import { curvesOf } from './curves.js';
import { frame, thrown, where } from './describe.js';
import { discover } from './discover.js';
import { budgetInlining } from './inlining.js';
import { type LawResult, emptyLawResult } from './json.js';
import { loadModule } from './load.js';
import { powerOf } from './power.js';
import { progressWriter } from './progress-file.js';
import { notMeasured } from './power-result.js';
import type { DiscoveryInfo, Job, Results, Source, Task, WorkerMessage } from './protocol.js';
import { runLaw } from './run.js';
import { type Target, targetInfo } from './targets.js';
import { LAW_VERDICTS } from './verdicts.js';
import { verifyTargets } from './verify.js';

budgetInlining(process.execArgv);

// Taken before any user code runs, which might replace them.
const send = process.send!.bind(process) as (message: WorkerMessage) => boolean;
const exit = process.exit.bind(process);
const cwd = process.cwd();
const writeProgress = progressWriter(process.argv[2]!);

/** Errors raised asynchronously while a law runs; undefined between laws, when they are the module's own. */
let duringLaw: string[] | undefined;

function stray(what: string, error: unknown): void {
  const text = `${what}: ${thrown(error)}${frame(error, cwd)}`;
  if (duringLaw) duringLaw.push(text);
  else send({ type: 'stray', message: text });
}
process.on('uncaughtException', (error) => stray('an uncaught exception', error));
process.on('unhandledRejection', (reason) => stray('a promise rejection no one handled', reason));

process.exit = function exitReported(code?: number | string | null) {
  const caller = {};
  Error.captureStackTrace(caller, exitReported);
  send({ type: 'exit', code: String(code ?? process.exitCode ?? 0), at: frame(caller, cwd) });
  return exit(code);
} as typeof process.exit;
// The main process is gone: no one would read what this one finds.
process.on('disconnect', () => exit(0));

/** A loaded source: its targets (with the user's functions), and what the main process is told of them. */
interface Loaded {
  targets: Target[];
  info: DiscoveryInfo;
}

let loading: Promise<Loaded> | undefined;

async function load(source: Source): Promise<Loaded> {
  if (source.kind === 'verify') {
    const targets = verifyTargets();
    return { targets, info: { targets: targets.map(targetInfo), skipped: [] } };
  }
  const loaded = await loadModule(source.file, source.module, cwd);
  await settle(); // a rejection its top-level code left behind surfaces now, as the module's own
  if ('error' in loaded) return { targets: [], info: loaded };
  const { targets, skipped } = discover(source.module, loaded.exports);
  return { targets, info: { targets: targets.map(targetInfo), skipped } };
}

async function perform({ source, job }: Task): Promise<void> {
  try {
    const loaded = await (loading ??= load(source));
    send({ type: 'loaded' });
    send({ type: 'done', value: await result(loaded, job, source) });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? thrown(error)) : thrown(error) });
  }
}

async function result({ targets, info }: Loaded, job: Job, source: Source): Promise<Results[Job['type']]> {
  if (job.type === 'discover') return info;
  if (job.type === 'curves') return curvesOf(job.model, job.seed);
  const target = targets.find((t) => t.id === job.target);
  // Loaded anew in this worker, a module may not give what its discovery did (top-level code that draws at random).
  const gone = { id: job.target, name: job.target, ...(source.kind === 'module' ? { module: source.module } : {}) };
  const missing = 'error' in info ? `its module could not be loaded again: ${info.error}` : `its module, loaded again, has no such target: its exports differ from one load to the next`;
  if (job.type === 'power') {
    if (!target?.power) return notMeasured(target ?? gone, missing);
    return powerOf({ ...target, power: target.power }, { ...job.settings, mode: job.settings.invocation.mode });
  }
  const run = target?.laws.find((l) => l.law === job.law);
  if (!target || !run) return { ...emptyLawResult(job.law, job.settings.seed), verdict: 'error', message: `${where(target ?? gone)}: ${job.law} did not run: ${missing}` };
  duringLaw = [];
  const law = runLaw(target, run, job.settings, writeProgress);
  await settle();
  const errors = duringLaw;
  duringLaw = undefined;
  return errors.length === 0 ? law : withAsyncErrors(target, law, errors);
}

/** A law whose target raised errors no one handled while it ran is not a pass, whatever its cases said. */
function withAsyncErrors(target: Target, law: LawResult, errors: string[]): LawResult {
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const note = `${where(target)}: ${law.law}: while the law ran, the target raised ${errors[0]}${more}`;
  if (LAW_VERDICTS[law.verdict].ok) return { ...law, verdict: 'error', message: note };
  return { ...law, message: `${law.message}\n  (${note})` };
}

/** One turn of the event loop: promise rejections no one handled are reported before it ends. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

process.on('message', (task: Task) => void perform(task));
// The library a user's module imports, loaded now, so that loading the module times its own code.
void import('../index.js').then(() => send({ type: 'ready' }));
