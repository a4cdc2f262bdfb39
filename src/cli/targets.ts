import type fc from 'fast-check';
import type { GradCheckReport } from '../check/index.js';
import type { LawOptions, Subject } from '../laws/index.js';
import type { Tensor } from '../tensor/index.js';
import type { CliOptions } from './args.js';
import type { Evaluations } from './counted.js';

/** What a checked export was recognised as. */
export type Kind = 'op' | 'differentiable' | 'model' | 'spec';

/** What a law's property is built with: where to count evaluations and show gradient reports. */
export interface Probe {
  evaluations: Evaluations;
  observe(report: GradCheckReport): void;
  options: LawOptions;
}

/** One law to run on a target. */
export interface LawRun {
  law: string;
  /** Why the law does not apply to this target (a target without jvp has no duality to check). */
  skip?: string;
  property?(probe: Probe): fc.IProperty<unknown[]>;
}

/** Something to check, and the laws to check it with. */
export interface Target {
  /** What --filter matches and a replay command names: `ops/tanh`, `zoo/elman`, or an export's name. */
  id: string;
  /** The checked thing's own name. */
  name: string;
  kind: Kind;
  /** The module it was exported from, as given on the command line. */
  module?: string;
  laws: LawRun[];
  /** Why it cannot be checked at all (then it has no laws): one paragraph. */
  error?: string;
  /** What --power hands to checkPower. */
  power?: { subject: Subject; inputs?: fc.Arbitrary<Tensor[]> };
  /** The name a paste-ready test can pass to expect(), when the user's code knows the target by it. */
  pasteName?: string;
}

/**
 * The targets this run checks: those matching --filter, then this machine's --shard. Shards take
 * every n-th target in discovery order, so they are deterministic and mix cheap and costly targets.
 */
export function select(targets: readonly Target[], { filter, shard }: Pick<CliOptions, 'filter' | 'shard'>): Target[] {
  const matching = filter === undefined ? [...targets] : targets.filter((t) => new RegExp(filter).test(t.id));
  return shard ? matching.filter((_, i) => i % shard.count === shard.index - 1) : matching;
}
