/**
 * One run of `gradprop verify` or `gradprop check`, from the main process: each source (gradprop's
 * registry, or a user module) is loaded and its laws run in worker processes (pool.ts); the
 * results are put in discovery order, so they are the same whatever the number of workers; an
 * error a module raised outside any law is reported against that module.
 */
import { resolve } from 'node:path';
import type { CliOptions, Command } from './args.js';
import { CHECKABLE, where } from './describe.js';
import { type LawResult, type ModuleError, type PowerResult, type RunResult, type SkippedExport, type TargetResult, emptyLawResult } from './json.js';
import type { Progress } from './progress.js';
import { type Failure, type Outcome, WorkerPool } from './pool.js';
import { notMeasured } from './power-result.js';
import type { DiscoveryInfo, Source } from './protocol.js';
import type { LawSettings } from './run.js';
import { type TargetInfo, select, selector } from './targets.js';
import { LAW_VERDICTS, noVerdicts } from './verdicts.js';
import { type VerifyCurves, curvedModels } from './curves.js';

/** A command that runs checks. */
export type Run = Exclude<Command, { command: 'help' | 'version' }>;

/** A run's result, or a usage problem found once the modules were looked into (exit 2). */
export type SessionOutcome = { result: RunResult } | { problem: string };

/** A source once discovered: what was found, and the laws and power reports of its selected targets, on their way. */
interface Planned {
  source: Source;
  discovery: DiscoveryInfo;
  targets: { info: TargetInfo; laws: Promise<LawResult>[] }[];
  power: Promise<PowerResult>[];
  /** verify: the checked zoo models' curves, or why one could not be drawn. */
  curves: Promise<VerifyCurves | ModuleError>[];
}

export async function runSession(command: Run, cwd: string, progress: Progress): Promise<SessionOutcome> {
  const { options } = command;
  const started = performance.now();
  const sources = sourcesOf(command, cwd);
  const strays = new Map<Source, Set<string>>();
  const pool = new WorkerPool({
    size: options.workers,
    timeoutMs: options.timeout * 1000,
    loadTimeoutMs: options.loadTimeout * 1000,
    onStray: (source, message) => strays.set(source, (strays.get(source) ?? new Set()).add(message)),
  });
  try {
    const discoveries = sources.map((source) => pool.run(source, { type: 'discover' }));
    // verify's laws keep every core busy for seconds; a user module's may take milliseconds, not worth a worker started ahead.
    if (command.command === 'verify') pool.warm(sources);
    const plan = planner(pool, command, cwd, progress);
    const planned: Planned[] = [];
    // In module order, so that --shard counts targets as a serial run does; a module's laws start as soon as it is planned.
    for (const [i, source] of sources.entries()) planned.push(plan(source, discovered(source, await discoveries[i]!, options)));
    const problem = selectionProblem(command, planned.map((p) => p.discovery), options);
    if (problem !== undefined) return { problem };
    const targets = await Promise.all(planned.flatMap((p) => p.targets.map(async ({ info, laws }) => targetResult(info, await Promise.all(laws)))));
    const power = await Promise.all(planned.flatMap((p) => p.power));
    const drawn = await Promise.all(planned.flatMap((p) => p.curves));
    const curves = drawn.filter((c): c is VerifyCurves => 'id' in c);
    const errors = [...moduleErrors(planned, strays), ...drawn.filter((c): c is ModuleError => !('id' in c))];
    progress.end();
    return { result: assemble(command, planned, targets, power, curves, errors, performance.now() - started) };
  } finally {
    pool.close();
  }
}

/** gradprop's registry for verify; each module once for check, however often and however spelled on the command line. */
function sourcesOf(command: Run, cwd: string): Source[] {
  if (command.command === 'verify') return [{ kind: 'verify' }];
  const byFile = new Map<string, Source>();
  for (const module of command.modules) {
    const file = resolve(cwd, module);
    if (!byFile.has(file)) byFile.set(file, { kind: 'module', module, file });
  }
  return [...byFile.values()];
}

/** Plans each source as it is discovered, in module order: selects its targets (--filter, --shard) and queues their laws and power reports. */
function planner(pool: WorkerPool, { command, options }: Run, cwd: string, progress: Progress): (source: Source, discovery: DiscoveryInfo) => Planned {
  const settings: LawSettings = { invocation: { command, mode: options.mode, order: options.order }, runs: options.runs, seed: options.seed, cwd, ...(options.path === undefined ? {} : { path: options.path }) };
  const pick = selector(options);
  const laws = counter(progress);
  return (source, discovery) => {
    const selected = 'error' in discovery ? [] : pick(discovery.targets);
    const planned: Planned = {
      source,
      discovery,
      // queued before the laws, so that they are drawn while laws run, not after the last
      curves: source.kind === 'verify' ? curvedModels(selected).map((model) => drawCurves(pool, source, model, options)) : [],
      targets: selected.map((info) => ({ info, laws: lawsOf(info, options).map(({ law, skip }) => laws.track(`${info.id} ${law}`, runLaw(pool, source, info, law, skip, settings, options))) })),
      power: options.power ? selected.filter((t) => t.power).map((info) => runPower(pool, source, info, settings, options)) : [],
    };
    pool.release(source);
    return planned;
  };
}

function lawsOf(info: TargetInfo, { law }: CliOptions): TargetInfo['laws'] {
  return info.laws.filter((l) => law === undefined || l.law === law);
}

/** What a source's discovery gave: its targets, or why it could not be loaded. */
function discovered(source: Source, outcome: Outcome<DiscoveryInfo>, options: CliOptions): DiscoveryInfo {
  if ('value' in outcome) return outcome.value;
  const name = source.kind === 'verify' ? 'gradprop verify' : source.module;
  if (outcome.failure.how === 'timeout') {
    return { error: `${name} did not finish loading within ${options.loadTimeout} s (--load-timeout), so none of its exports were checked: a top-level await that never settles, or a loop at import?` };
  }
  return { error: `${name} cannot be loaded, so none of its exports were checked: while it was loading, ${why(outcome.failure, options)}` };
}

/** Why a job did not finish, as the end of a sentence. */
function why({ phase, how, cause }: Failure, { timeout, loadTimeout }: CliOptions): string {
  if (how === 'timeout') return phase === 'load' ? `it took longer than ${loadTimeout} s (--load-timeout)` : `it timed out after ${timeout} s (--timeout)`;
  return how === 'bug' ? `gradprop itself failed — please report it with this trace:\n${cause}` : cause;
}

async function runLaw(pool: WorkerPool, source: Source, info: TargetInfo, law: string, skip: string | undefined, settings: LawSettings, options: CliOptions): Promise<LawResult> {
  if (skip !== undefined) return { ...emptyLawResult(law, settings.seed), verdict: 'skipped', message: skip };
  const outcome = await pool.run(source, { type: 'law', target: info.id, law, settings });
  return 'value' in outcome ? outcome.value : unfinished(info, law, outcome.failure, settings, options);
}

/** A law whose worker was killed for time or ended by the target: what it got through, and why it stopped. */
function unfinished(info: TargetInfo, law: string, failure: Failure, settings: LawSettings, options: CliOptions): LawResult {
  const { phase, how, progress, runMs } = failure;
  const base = { ...emptyLawResult(law, settings.seed), cases: progress?.cases ?? 0, shrinks: progress?.shrinks ?? 0, timeMs: runMs, ...(progress ? { evaluations: progress.evaluations } : {}) };
  const name = `${where(info)}: ${law}`;
  if (phase === 'load') return { ...base, verdict: 'error', message: `${name} did not run: while its module was loaded again, ${why(failure, options)}` };
  const runs = info.fixedInputs ? 1 : settings.runs;
  const reached = !progress
    ? 'before its first case finished'
    : progress.shrinks > 0
      ? `while shrinking the failure found at case ${progress.cases} (${progress.shrinks} shrinking runs done)`
      : `in case ${progress.cases + 1} of ${runs}, ${progress.cases} passed`;
  if (how === 'timeout') return { ...base, verdict: 'timeout', message: `${name} timed out after ${options.timeout} s (--timeout) ${reached}` };
  const who = how === 'ended' ? 'the target ended its worker process' : 'gradprop failed';
  return { ...base, verdict: 'error', message: `${name}: ${who} ${reached}: ${why(failure, options)}` };
}

async function drawCurves(pool: WorkerPool, source: Source, model: string, options: CliOptions): Promise<VerifyCurves | ModuleError> {
  const outcome = await pool.run(source, { type: 'curves', model, seed: options.seed });
  return 'value' in outcome ? outcome.value : { module: 'gradprop verify', kind: 'async', message: `the curves of zoo/${model} could not be drawn: ${why(outcome.failure, options)}` };
}

async function runPower(pool: WorkerPool, source: Source, info: TargetInfo, settings: LawSettings, options: CliOptions): Promise<PowerResult> {
  const outcome = await pool.run(source, { type: 'power', target: info.id, settings });
  return 'value' in outcome ? outcome.value : notMeasured(info, why(outcome.failure, options));
}

function targetResult(info: TargetInfo, laws: LawResult[]): TargetResult {
  const head = { id: info.id, name: info.name, kind: info.kind, module: info.module ?? null, fixedInputs: info.fixedInputs };
  if (info.error !== undefined) return { ...head, verdict: 'error', message: info.error, laws: [] };
  const notOk = laws.filter((l) => !LAW_VERDICTS[l.verdict].ok);
  const verdict = notOk.length === 0 ? 'pass' : notOk.every((l) => l.verdict === 'inconclusive') ? 'inconclusive' : 'fail';
  return { ...head, verdict, message: null, laws };
}

/** Load failures and stray errors, in module order; a module's strays sorted, as they arrive in no fixed order. */
function moduleErrors(planned: Planned[], strays: Map<Source, Set<string>>): ModuleError[] {
  return planned.flatMap(({ source, discovery }): ModuleError[] => {
    const module = source.kind === 'verify' ? 'gradprop verify' : source.module;
    const load: ModuleError[] = 'error' in discovery ? [{ module, kind: 'load', message: discovery.error }] : [];
    const late = [...(strays.get(source) ?? [])].sort().map((message): ModuleError => ({ module, kind: 'async', message: `${module} raised ${message}` }));
    return [...load, ...late];
  });
}

/** A run that would check nothing is a usage error: a typo in --filter or --law must not pass CI. */
function selectionProblem(command: Run, discoveries: DiscoveryInfo[], { filter, law }: CliOptions): string | undefined {
  const targets = discoveries.flatMap((d) => ('error' in d ? [] : d.targets));
  if (command.command === 'check' && targets.length === 0 && discoveries.every((d) => !('error' in d))) {
    const skipped = discoveries.flatMap((d) => ('error' in d ? [] : d.skipped)).map((s) => `\n  ${s.module}, export ${s.export}: ${s.reason}`).join('');
    return `nothing to check in ${command.modules.join(' ')}: no export is ${CHECKABLE}${skipped}`;
  }
  if (filter !== undefined && targets.length > 0 && select(targets, { filter }).length === 0) {
    return `--filter ${filter} matches none of the ${targets.length} targets (${targets.slice(0, 8).map((t) => t.id).join(', ')}${targets.length > 8 ? ', …' : ''})`;
  }
  const laws = [...new Set(targets.flatMap((t) => t.laws.map((l) => l.law)))];
  if (law !== undefined && laws.length > 0 && !laws.includes(law)) return `--law ${law} is none of the laws run here: ${laws.join(', ')}`;
  return undefined;
}

function assemble(command: Run, planned: Planned[], targets: TargetResult[], power: PowerResult[], curves: VerifyCurves[], errors: ModuleError[], durationMs: number): RunResult {
  const { options } = command;
  const laws = targets.flatMap((t) => t.laws);
  const verdicts = noVerdicts();
  for (const l of laws) verdicts[l.verdict]++;
  const skipped: SkippedExport[] = planned.flatMap(({ discovery }) => ('error' in discovery ? [] : discovery.skipped));
  const uncheckable = targets.filter((t) => t.verdict === 'error').length;
  const ok = laws.every((l) => LAW_VERDICTS[l.verdict].ok) && uncheckable === 0 && errors.length === 0 && power.every((p) => p.ok);
  return {
    command: command.command,
    modules: command.command === 'check' ? command.modules : [],
    options: {
      runs: options.runs,
      seed: options.seed,
      mode: options.mode,
      order: options.order,
      filter: options.filter ?? null,
      law: options.law ?? null,
      shard: options.shard ? `${options.shard.index}/${options.shard.count}` : null,
      path: options.path ?? null,
      timeout: options.timeout,
      loadTimeout: options.loadTimeout,
    },
    exitCode: ok ? 0 : 1,
    durationMs,
    summary: {
      targets: targets.length,
      uncheckable,
      laws: laws.length,
      cases: laws.reduce((n, l) => n + l.cases, 0),
      verdicts,
      skippedExports: skipped.length,
      moduleErrors: errors.length,
    },
    targets,
    skipped,
    moduleErrors: errors,
    power,
    curves,
  };
}

/** Counts laws as they finish, for the progress line. */
function counter(progress: Progress) {
  let total = 0;
  let done = 0;
  return {
    track(label: string, law: Promise<LawResult>): Promise<LawResult> {
      total++;
      return law.then((result) => {
        progress.step(++done, total, label);
        return result;
      });
    },
  };
}
