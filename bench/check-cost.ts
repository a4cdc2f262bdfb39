/**
 * What a check costs, in evaluations of the target and in time, as the target grows from 100 to
 * 1,000,000 parameters: fast mode must not grow with size; full mode grows with it (one column of
 * finite differences per entry) and is run only where that is feasible; auto mode on a target
 * with ONE wrong gradient entry must find that entry in O(log n) evaluations.
 */
import { type Differentiable, type GradCheckReport, type Mode, checkGradients } from '../src/check/index.js';
import { Tensor } from '../src/tensor/index.js';
import { zoo } from '../src/zoo/index.js';
import { alternate, cpuMs, formatMs, median, table } from './measure.js';

/**
 * The largest target checked in full mode. Full mode costs 9 forward evaluations and a jvp per entry
 * (the 10⁴-parameter MLP took 109 s on this machine), so it stops at about a thousand.
 */
const FULL_LIMIT = 2_000;

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
  /**
   * The part of ms the target's own calls account for: forwards at the time of one forward, vjps
   * and jvps at the time of one forward + backward. The rest is the checker's own work.
   */
  targetMs: number;
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
  /** Auto mode with one wrong entry; localisationCalls = its calls beyond a passing fast check's. */
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
  let fullPerEntry = NaN; // ms per entry in the largest full check run so far
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
    // CPU time of one check; a check that takes under a second is run 1 + 5 times (the first warms
    // up the checker's code) and the median kept
    const run = (which: Differentiable, mode: Mode): { report: GradCheckReport; run: CheckRun } => {
      const times: number[] = [];
      let report!: GradCheckReport;
      do {
        const start = cpuMs();
        report = checkGradients(which, inputs, { mode, seed: 7 });
        times.push(cpuMs() - start);
      } while (times.length < 6 && times[0]! < 1000);
      const ms = times.length === 1 ? times[0]! : median(times.slice(1));
      const { forward, vjp, jvp } = report.evaluations;
      const targetMs = forward * t.f!.median + (vjp + jvp) * fb;
      return { report, run: { verdict: report.verdict, forward, vjp, jvp, calls: forward + vjp + jvp, ms, fbEquivalents: ms / fb, targetMs } };
    };
    const fast = run(target, 'fast').run;
    const auto = run(target, 'auto').run;
    let full: CheckRun | { skipped: string };
    if (n <= FULL_LIMIT) {
      full = run(target, 'full').run;
      fullPerEntry = full.ms / n;
    } else {
      const estimate = Number.isFinite(fullPerEntry) ? `, more than ${formatMs(fullPerEntry * n)} at the smaller sizes' rate per entry` : '';
      full = { skipped: `not run: ${(9 * n).toLocaleString('en')} forward evaluations and ${n.toLocaleString('en')} jvps${estimate}` };
    }
    // the wrong entry: in W1 (input 0), a third of the way in
    const flat = Math.floor((k * k) / 3);
    const wrong = run(planted(target, 0, flat), 'auto');
    const worst = wrong.report.worst;
    const entry = worst && worst.input !== null ? `input ${worst.input} [${worst.index.join(', ')}]` : 'not localised';
    const expected = `input 0 [${Math.floor(flat / k)}, ${flat % k}]`;
    // the probes alone: the same target shape (forward and vjp, no jvp) without the bug, in fast mode
    const probes = run({ name: target.name, forward: target.forward, vjp: target.vjp }, 'fast').run;
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
        localisationCalls: wrong.run.calls - probes.calls,
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
const share = (r: CheckRun) => `${Math.round((100 * Math.min(r.targetMs, r.ms)) / r.ms)}%`;

export function checkCostTable(rows: readonly CheckCostRow[]): string {
  return table(
    ['params', 'F (engine)', 'F+B (engine)', 'fast: calls', 'fast: time', 'fast: in target', 'auto: calls', 'auto: time', 'full: calls', 'full: time'],
    rows.map((r) => [
      r.params.toLocaleString('en'),
      formatMs(r.forward),
      formatMs(r.forwardBackward),
      calls(r.fast),
      cost(r.fast),
      share(r.fast),
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
