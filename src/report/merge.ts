/**
 * Shards' results as one run. Shard i of n ran every n-th target from the (i − 1)-th, so when
 * every shard of one run is given, the targets are put back in the order one machine would have
 * run them; otherwise they follow the order given. Modules, skipped exports and module errors,
 * which every shard of a `check` discovers alike, appear once.
 */
import { type ReportedRun, type ReportedTarget, asRun } from './run.js';

/** The options shards of one run share: merging runs that differ in them is refused. */
const SHARED = ['seed', 'runs', 'mode', 'order', 'filter', 'law'] as const;

/** An option shards must share; results of versions before --order checked order 1. */
const shared = (run: ReportedRun, key: (typeof SHARED)[number]) => (key === 'order' ? (run.options.order ?? 1) : run.options[key]);

/** Merge the results of a run's shards (or of any runs of one command and options) into one. */
export function mergeRuns(results: readonly ReportedRun[]): ReportedRun {
  const runs = results.map((r, i) => asRun(r, `result ${i + 1}`));
  const [first] = runs;
  if (!first) throw new TypeError('mergeRuns: no results to merge');
  runs.forEach((run, i) => {
    if (run.command !== first.command) throw new TypeError(`mergeRuns: result ${i + 1} is of gradprop ${run.command}, result 1 of gradprop ${first.command}`);
    for (const key of SHARED) {
      if (shared(run, key) !== shared(first, key)) {
        throw new TypeError(`mergeRuns: result ${i + 1} has ${key} ${String(shared(run, key))} where result 1 has ${String(shared(first, key))}; shards of one run share their options`);
      }
    }
  });
  const seen = new Map<string, number>();
  runs.forEach((run, i) =>
    run.targets.forEach((t) => {
      const key = `${t.module ?? ''}\u0000${t.id}`;
      if (seen.has(key)) throw new TypeError(`mergeRuns: target ${t.id} is in result ${seen.get(key)! + 1} and result ${i + 1}; each shard runs its own targets`);
      seen.set(key, i);
    }),
  );
  const shards = runs.map((run) => /^(\d+)\/(\d+)$/.exec(run.options.shard ?? ''));
  const count = Number(shards[0]?.[2]);
  const whole = shards.every((m) => m !== null && Number(m[2]) === count) && new Set(shards.map((m) => m![1])).size === count && runs.length === count;
  return {
    command: first.command,
    modules: unique(runs.flatMap((run) => run.modules), (m) => m),
    options: { ...first.options, shard: whole ? null : runs.map((run) => run.options.shard ?? 'all').join('+') },
    exitCode: Math.max(...runs.map((run) => run.exitCode)),
    // shards run side by side: the run took as long as its slowest shard
    durationMs: Math.max(...runs.map((run) => run.durationMs)),
    targets: whole ? interleave(runs, shards.map((m) => Number(m![1]))) : runs.flatMap((run) => run.targets),
    skipped: unique(runs.flatMap((run) => run.skipped), (s) => `${s.module}\u0000${s.export}`),
    moduleErrors: unique(runs.flatMap((run) => run.moduleErrors), (e) => `${e.module}\u0000${e.message}`),
    power: runs.flatMap((run) => run.power),
    curves: runs.flatMap((run) => run.curves ?? []),
  };
}

/** Target j of shard i (1-based) of n stood at position j·n + i − 1 of the whole run. */
function interleave(runs: readonly ReportedRun[], indices: readonly number[]): ReportedTarget[] {
  const count = runs.length;
  const slots: ReportedTarget[] = [];
  runs.forEach((run, k) => run.targets.forEach((t, j) => (slots[j * count + indices[k]! - 1] = t)));
  return slots.filter((t) => t !== undefined);
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}
