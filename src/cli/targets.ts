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
  /** A spec's fixed list of tensors: every case would be the same, so every law runs once. */
  fixedInputs?: boolean;
}

/**
 * A target as the main process knows it: the plain data a worker sends back from discovery (the
 * target itself, with the user's functions in it, stays in the worker that loaded its module).
 */
export interface TargetInfo {
  id: string;
  name: string;
  kind: Kind;
  module?: string;
  /** Each law with why it does not apply, when it does not. */
  laws: { law: string; skip?: string }[];
  error?: string;
  /** Whether --power can measure it. */
  power: boolean;
  fixedInputs: boolean;
}

export function targetInfo(target: Target): TargetInfo {
  const info: TargetInfo = {
    id: target.id,
    name: target.name,
    kind: target.kind,
    laws: target.laws.map(({ law, skip }) => (skip === undefined ? { law } : { law, skip })),
    power: target.power !== undefined,
    fixedInputs: target.fixedInputs === true,
  };
  if (target.module !== undefined) info.module = target.module;
  if (target.error !== undefined) info.error = target.error;
  return info;
}

/**
 * The targets this run checks: those matching --filter, then this machine's --shard. Shards take
 * every n-th target in discovery order, so they are deterministic and mix cheap and costly targets.
 */
export function select<T extends { id: string }>(targets: readonly T[], options: Pick<CliOptions, 'filter' | 'shard'>): T[] {
  return selector(options)(targets);
}

/**
 * select for targets that arrive a module at a time, in module order: each call selects from the
 * next module's targets, counting the matching targets of the modules before it for --shard.
 */
export function selector({ filter, shard }: Pick<CliOptions, 'filter' | 'shard'>): <T extends { id: string }>(targets: readonly T[]) => T[] {
  const pattern = filter === undefined ? undefined : new RegExp(filter);
  let matched = 0;
  return (targets) => {
    const matching = pattern === undefined ? targets : targets.filter((t) => pattern.test(t.id));
    const first = matched;
    matched += matching.length;
    return shard ? matching.filter((_, i) => (first + i) % shard.count === shard.index - 1) : [...matching];
  };
}
