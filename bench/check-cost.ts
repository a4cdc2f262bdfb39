/**
 * What a check costs, in evaluations of the target and in time, as the target grows from 100 to
 * 1,000,000 parameters: fast mode must not grow with size; full mode grows with it (one column of
 * finite differences per entry) and is run only where that is feasible; auto mode on a target
 * with ONE wrong gradient entry must find that entry in O(log n) evaluations.
 */
import { type Differentiable, type GradCheckReport, type Mode, checkGradients } from '../src/check/index.js';
import { Tensor } from '../src/tensor/index.js';
import { zoo } from '../src/zoo/index.js';
import { alternate, formatMs, table } from './measure.js';

/** The largest target checked in full mode: 8 forward evaluations per entry, ~10 s at 10⁴ entries. */
const FULL_LIMIT = 10_000;

export interface CheckRun {
  verdict: GradCheckReport['verdict'];
  forward: number;
  vjp: number;
  jvp: number;
  /** forward + vjp + jvp calls. */
  calls: number;
  ms: number;
  /** ms over the time of one forward + backward (lossAndGrad) of the same model. */
  fbEquivalents: number;
}

export interface CheckCostRow {
  /** Hidden width k of the MLP [k, k, 1]: (k + 1)² parameters. */
  k: number;
  params: number;
  /** One forward + backward through the engine, and one forward, ms (median). */
  forwardBackward: number;
  forward: number;
  fast: CheckRun;
  auto: CheckRun;
  full: CheckRun | { skipped: string };
  planted: CheckRun & { entry: string; found: boolean; localisationCalls: number; log2n: number };
}

/**
 * A target whose hand-written backward has one wrong entry: the engine's gradient, plus 1% of its
 * largest entry at one position.
 */
function planted(target: Differentiable, input: number, flat: number): Differentiable {
  return {
    name: `${target.name} with one wrong gradient entry`,
    forward: (xs) => target.forward(xs),
    vjp: (xs, cotangent) => {
      const grads = target.vjp(xs, cotangent);
      const g = grads[input]!;
      const data = Float64Array.from(g.data);
      let largest = 0;
      for (const v of data) largest = Math.max(largest, Math.abs(v));
      // largest scales with |v|: times sign(v), the error is linear in the cotangent v
      data[flat]! += 0.01 * largest * Math.sign(cotangent.data[0]!);
      return grads.map((t, i) => (i === input ? new Tensor(data, t.shape) : t));
    },
  };
}

export function benchCheckCost(widths: readonly number[], log = console.log): CheckCostRow[] {
  return widths.map((k) => {
    const model = zoo.mlp.configure({ sizes: [k, k, 1], activation: 'tanh', loss: 'square', batchSize: 8 });
    const params = model.init(3);
    const batch = model.sampleBatch(4);
    const inputs = model.paramNames.map((name) => params[name]!);
    const n = inputs.reduce((total, t) => total + t.size, 0);
    const target = model.asDifferentiable(batch);
    const t = alternate(
      [
        { name: 'fb', run: () => model.lossAndGrad(params, batch) },
        { name: 'f', run: () => model.loss(params, batch) },
      ],
      { samples: 11, sampleMs: 20, warmupMs: 100 },
    );
    const fb = t.fb!.median;
    const run = (which: Differentiable, mode: Mode): { report: GradCheckReport; run: CheckRun } => {
      const start = performance.now();
      const report = checkGradients(which, inputs, { mode, seed: 7 });
      const ms = performance.now() - start;
      const { forward, vjp, jvp } = report.evaluations;
      return { report, run: { verdict: report.verdict, forward, vjp, jvp, calls: forward + vjp + jvp, ms, fbEquivalents: ms / fb } };
    };
    const fast = run(target, 'fast').run;
    const auto = run(target, 'auto').run;
    const full = n <= FULL_LIMIT
      ? run(target, 'full').run
      : { skipped: `not run: ≈ ${(8 * n).toExponential(0)} forward evaluations (8 per entry), ≈ ${formatMs(8 * n * t.f!.median)} at this size` };
    // the wrong entry: in W1 (input 0), a third of the way in
    const flat = Math.floor((k * k) / 3);
    const wrong = run(planted(target, 0, flat), 'auto');
    const worst = wrong.report.worst;
    const entry = worst && worst.input !== null ? `input ${worst.input} [${worst.index.join(', ')}]` : 'not localised';
    const expected = `input 0 [${Math.floor(flat / k)}, ${flat % k}]`;
    const fastPart = run(planted(target, 0, flat), 'fast').run;
    const row: CheckCostRow = {
      k,
      params: n,
      forwardBackward: fb,
      forward: t.f!.median,
      fast,
      auto,
      full,
      planted: {
        ...wrong.run,
        entry,
        found: entry === expected && wrong.report.verdict === 'fail',
        localisationCalls: wrong.run.calls - fastPart.calls,
        log2n: Math.log2(n),
      },
    };
    log(`  n=${n}: fast ${fast.calls} calls ${formatMs(fast.ms)}, auto ${auto.calls}, full ${'skipped' in full ? 'skipped' : `${full.calls} calls ${formatMs(full.ms)}`}, ` +
      `planted: ${row.planted.verdict} at ${entry} (${row.planted.found ? 'right' : `WRONG, expected ${expected}`}) after ${row.planted.calls} calls`);
    return row;
  });
}

const calls = (r: CheckRun) => `${r.calls} (${r.forward} f + ${r.vjp} vjp + ${r.jvp} jvp)`;
const cost = (r: CheckRun) => `${formatMs(r.ms)} = ${r.fbEquivalents.toFixed(1)} F+B`;

export function checkCostTable(rows: readonly CheckCostRow[]): string {
  return table(
    ['params', 'F+B (engine)', 'fast: calls', 'fast: time', 'auto: calls', 'auto: time', 'full: calls', 'full: time'],
    rows.map((r) => [
      r.params.toLocaleString('en'),
      formatMs(r.forwardBackward),
      calls(r.fast),
      cost(r.fast),
      calls(r.auto),
      cost(r.auto),
      'skipped' in r.full ? '—' : calls(r.full),
      'skipped' in r.full ? r.full.skipped : cost(r.full),
    ]),
  );
}

export function localisationTable(rows: readonly CheckRun[] | readonly CheckCostRow[]): string {
  return table(
    ['params n', 'log2 n', 'verdict', 'entry named', 'calls in all', 'localisation calls', 'per log2 n', 'time'],
    (rows as CheckCostRow[]).map((r) => [
      r.params.toLocaleString('en'),
      r.planted.log2n.toFixed(1),
      r.planted.verdict,
      `${r.planted.entry}${r.planted.found ? ' ✓' : ' ✗'}`,
      String(r.planted.calls),
      String(r.planted.localisationCalls),
      (r.planted.localisationCalls / r.planted.log2n).toFixed(1),
      formatMs(r.planted.ms),
    ]),
  );
}
