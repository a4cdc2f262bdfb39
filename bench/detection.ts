/**
 * Detection: what a single check catches, what it wrongly blames, and what it costs — on targets
 * computed entirely in float32 (fixtures/float32.ts) and on their float64 twins.
 *
 * - Catch rates: the whole gradient scaled by 1 + δ, and one entry of ordinary size (|g_j| ≥ mean
 *   |g|, chosen by the seed) scaled by 1 + δ, for δ = 1e-1 … 1e-6; 100 seeded single checks per
 *   cell (inputs and probes from the same seed). A catch is verdict 'fail'; for one entry, the
 *   share of catches that name the planted entry (and only it) is shown too.
 * - False alarms: correct targets, 1000 seeded checks each, and a float32 relu MLP whose kinks
 *   must read as 'nonsmooth', never 'fail'. Every verdict is counted.
 * - Cost: forward evaluations per passing, per nonsmooth and per failing check.
 *
 * `checkGradients` with default options runs on the same seeds for both arithmetics: on float32
 * targets it judges statistically (src/check/statistical-check.ts), on their float64 twins by
 * finite differences.
 */
import { type Arithmetic, type Float32Case, float32Cases } from '../fixtures/float32.js';
import { type Differentiable, checkGradients } from '../src/check/index.js';
import { Rng, Tensor } from '../src/tensor/index.js';
import { table } from './measure.js';

export type Outcome = 'pass' | 'fail' | 'nonsmooth' | 'inconclusive' | 'error';

/** One check's verdict, its cost, and the entries it named (global positions over the inputs). */
export interface CheckResult {
  verdict: Outcome;
  forward: number;
  named: number[];
}

export interface Checker {
  name: string;
  check: (target: Differentiable, inputs: Tensor[], seed: number) => CheckResult;
}

/** gradprop's checkGradients with default options (auto mode): the entries named are its localised failures. */
export const defaultChecker: Checker = {
  name: 'checkGradients (defaults)',
  check: (target, inputs, seed) => {
    const report = checkGradients(target, inputs, { seed });
    const offsets = inputs.map((_, k) => inputs.slice(0, k).reduce((n, x) => n + x.size, 0));
    const named = report.mismatches
      .filter((c) => c.verdict === 'fail' && c.input !== null)
      .map((c) => offsets[c.input!]! + c.index.reduce((flat, i, axis) => flat * inputs[c.input!]!.shape[axis]! + i, 0));
    return { verdict: report.verdict, forward: report.evaluations.forward, named: [...new Set(named)] };
  },
};

/** The measured targets: the issue's four, by name. */
export const TARGETS = ['tanh', 'crossEntropy', 'mlp', 'logSumExp'] as const;
export type TargetName = (typeof TARGETS)[number] | 'relu mlp';

export function caseOf(name: TargetName, arithmetic: Arithmetic, seed: number): Float32Case {
  return name === 'relu mlp' ? float32Cases.mlp(arithmetic, seed, 'relu') : float32Cases[name](arithmetic, seed);
}

/** The target with its vjp's gradients passed through `change` (gradient values, input k, global offset of its first entry). */
function withVjp(target: Differentiable, change: (g: Float64Array, k: number, offset: number) => Float64Array): Differentiable {
  return {
    ...target,
    name: `${target.name} (mutated)`,
    vjp: (xs, g) => {
      let offset = 0;
      return target.vjp(xs, g).map((d, k) => {
        const t = new Tensor(change(d.data, k, offset), d.shape);
        offset += xs[k]!.size;
        return t;
      });
    },
  };
}

/**
 * An entry of ordinary size: |g_j| ≥ mean |g| for a random-sign cotangent (all-ones would give
 * softmax a gradient of 0), one of those chosen by the seed.
 */
export function ordinaryEntry(c: Float32Case, seed: number): number {
  const output = c.target.forward(c.inputs);
  const rng = new Rng(seed);
  const cotangent = new Tensor(Float64Array.from({ length: output.size }, () => (rng.next() < 0.5 ? -1 : 1)), output.shape);
  const g = c.target.vjp(c.inputs, cotangent).flatMap((t) => Array.from(t.data, Math.abs));
  const mean = g.reduce((s, v) => s + v, 0) / g.length;
  const ordinary = g.flatMap((v, j) => (v >= mean ? [j] : []));
  return ordinary[rng.int(0, ordinary.length)]!;
}

export type Planted = 'whole' | 'entry';

export function planted(c: Float32Case, kind: Planted, delta: number, seed: number): { target: Differentiable; entry?: number } {
  if (kind === 'whole') return { target: withVjp(c.target, (g) => g.map((v) => v * (1 + delta))) };
  const entry = ordinaryEntry(c, seed);
  return { target: withVjp(c.target, (g, _, offset) => g.map((v, i) => (offset + i === entry ? v * (1 + delta) : v))), entry };
}

export interface CatchCell {
  checker: string;
  target: TargetName;
  arithmetic: Arithmetic;
  kind: Planted;
  delta: number;
  checks: number;
  caught: number;
  /** Catches that named exactly the planted entry (one entry only). */
  namedRight: number;
  verdicts: Partial<Record<Outcome, number>>;
  forwardFailing: number[];
}

export interface AlarmRow {
  checker: string;
  target: TargetName;
  arithmetic: Arithmetic;
  checks: number;
  verdicts: Partial<Record<Outcome, number>>;
  forwardPassing: number[];
  /** A nonsmooth verdict can follow a probe's failure down to the kinks it crossed: its cost apart. */
  forwardNonsmooth: number[];
}

export interface DetectionResult {
  catches: CatchCell[];
  alarms: AlarmRow[];
}

export interface DetectionOptions {
  /** Which checker runs on which arithmetic. */
  runs: readonly { checker: Checker; arithmetic: Arithmetic }[];
  deltas: readonly number[];
  checksPerCell: number;
  alarmChecks: number;
  targets: readonly TargetName[];
  /** Called after each cell, for progress. */
  progress?: (line: string) => void;
}

const count = (verdicts: Partial<Record<Outcome, number>>, v: Outcome) => (verdicts[v] = (verdicts[v] ?? 0) + 1);

export function benchDetection(options: DetectionOptions): DetectionResult {
  const catches: CatchCell[] = [];
  const alarms: AlarmRow[] = [];
  for (const { checker, arithmetic } of options.runs) {
    {
      for (const target of [...options.targets, 'relu mlp' as const]) {
        const row: AlarmRow = { checker: checker.name, target, arithmetic, checks: options.alarmChecks, verdicts: {}, forwardPassing: [], forwardNonsmooth: [] };
        for (let seed = 1; seed <= options.alarmChecks; seed++) {
          const c = caseOf(target, arithmetic, seed);
          const r = checker.check(c.target, c.inputs, seed);
          count(row.verdicts, r.verdict);
          if (r.verdict === 'pass') row.forwardPassing.push(r.forward);
          if (r.verdict === 'nonsmooth') row.forwardNonsmooth.push(r.forward);
        }
        alarms.push(row);
        options.progress?.(`${checker.name} · ${arithmetic} · ${target}: ${JSON.stringify(row.verdicts)}`);
        if (target === 'relu mlp') continue;
        for (const kind of ['whole', 'entry'] as const) {
          for (const delta of options.deltas) {
            const cell: CatchCell = { checker: checker.name, target, arithmetic, kind, delta, checks: options.checksPerCell, caught: 0, namedRight: 0, verdicts: {}, forwardFailing: [] };
            for (let seed = 1; seed <= options.checksPerCell; seed++) {
              const c = caseOf(target, arithmetic, seed);
              const bug = planted(c, kind, delta, seed);
              // a seed apart from the false-alarm runs, so that each cell is its own sample
              const r = checker.check(bug.target, c.inputs, seed + 10_000);
              count(cell.verdicts, r.verdict);
              if (r.verdict === 'fail') {
                cell.caught++;
                cell.forwardFailing.push(r.forward);
                if (bug.entry !== undefined && r.named.length === 1 && r.named[0] === bug.entry) cell.namedRight++;
              }
            }
            catches.push(cell);
          }
          options.progress?.(`  ${kind}: ${catches.slice(-options.deltas.length).map((c) => `${c.delta}: ${c.caught}`).join(', ')}`);
        }
      }
    }
  }
  return { catches, alarms };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const cost = (xs: readonly number[]) => (xs.length === 0 ? '—' : `${mean(xs).toFixed(0)} (max ${Math.max(...xs)})`);

/** Catch rates: one row per checker, arithmetic, target and kind; one column per δ. */
export function catchTable(result: DetectionResult, deltas: readonly number[]): string {
  const rows = new Map<string, CatchCell[]>();
  for (const c of result.catches) {
    const key = `${c.checker}|${c.arithmetic}|${c.target}|${c.kind}`;
    rows.set(key, [...(rows.get(key) ?? []), c]);
  }
  return table(
    ['checker', 'arithmetic', 'target', 'planted', ...deltas.map((d) => `δ = ${d.toExponential(0)}`), 'forward per failing check'],
    [...rows.values()].map((cells) => {
      const first = cells[0]!;
      const percent = (n: number) => `${Math.round((100 * n) / first.checks)}%`;
      const rate = (c: CatchCell) => `${percent(c.caught)}${c.kind === 'entry' && c.caught > 0 ? ` (${percent(c.namedRight)})` : ''}`;
      return [first.checker, first.arithmetic, first.target, first.kind === 'whole' ? 'whole ×(1+δ)' : 'one entry ×(1+δ)', ...cells.map(rate), cost(cells.flatMap((c) => c.forwardFailing))];
    }),
  );
}

/** False alarms and the other verdicts on correct targets, with the cost of a passing check. */
export function alarmTable(result: DetectionResult): string {
  return table(
    ['checker', 'arithmetic', 'target', 'checks', 'fail', 'inconclusive', 'nonsmooth', 'pass', 'error', 'forward per passing check', 'per nonsmooth check'],
    result.alarms.map((r) => [
      r.checker, r.arithmetic, r.target, String(r.checks),
      ...(['fail', 'inconclusive', 'nonsmooth', 'pass', 'error'] as const).map((v) => String(r.verdicts[v] ?? 0)),
      cost(r.forwardPassing),
      cost(r.forwardNonsmooth),
    ]),
  );
}
