/**
 * Forward + backward of every zoo model: gradprop's engine (lossAndGrad), the hand-derived backward
 * where the lecture has one (manualGrad), and the same model in TensorFlow.js on its CPU backend
 * (float32), all in this process and in alternation.
 */
import { type AnyModel, type Params, zoo } from '../src/zoo/index.js';
import { type AlternateOptions, type Contender, alternate, formatMs, formatRatio, table } from './measure.js';
import { tfLossAndGrad, tfStep, tfTwin } from './tfjs-models.js';

export interface ModelCase {
  label: string;
  scale: 'lecture' | 'realistic';
  sizes: string;
  model: AnyModel;
  /** Not among issue 8's realistic sizes (MLP, Elman, NPLM): measured and shown, not a target. */
  extra?: boolean;
}

/** The lecture's sizes are the zoo's defaults: tiny tensors, where the cost per op dominates. */
export function modelCases(): ModelCase[] {
  const lecture = (name: keyof typeof zoo, sizes: string): ModelCase => ({ label: name, scale: 'lecture', sizes, model: zoo[name] });
  const rnn = { input: 64, hidden: 128, output: 16, steps: 32 };
  const rnnSizes = 'D=64, H=128, O=16, T=32';
  return [
    lecture('neuron', 'B=4'),
    lecture('mlp', '3-4-2 tanh, square, B=4'),
    lecture('nplm', 'V=8, d=3, H=5, B=4'),
    lecture('elman', 'D=2, H=3, O=2, T=4'),
    lecture('lstm', 'D=2, H=3, O=2, T=4'),
    lecture('gru', 'D=2, H=3, O=2, T=4'),
    { label: 'neuron', scale: 'realistic', sizes: 'B=4096', model: zoo.neuron.configure({ batchSize: 4096 }), extra: true },
    {
      label: 'mlp',
      scale: 'realistic',
      sizes: '784-256-10 relu, cross-entropy, B=64',
      model: zoo.mlp.configure({ sizes: [784, 256, 10], activation: 'relu', loss: 'crossEntropy', batchSize: 64 }),
    },
    { label: 'nplm', scale: 'realistic', sizes: 'V=1000, d=32, H=128, B=64', model: zoo.nplm.configure({ vocab: 1000, dim: 32, hidden: 128, batchSize: 64 }) },
    { label: 'elman', scale: 'realistic', sizes: rnnSizes, model: zoo.elman.configure(rnn) },
    { label: 'lstm', scale: 'realistic', sizes: rnnSizes, model: zoo.lstm.configure(rnn), extra: true },
    { label: 'gru', scale: 'realistic', sizes: rnnSizes, model: zoo.gru.configure(rnn), extra: true },
  ];
}

export interface EngineRow {
  model: string;
  extra: boolean;
  scale: 'lecture' | 'realistic';
  sizes: string;
  params: number;
  /** Median ms per forward + backward. */
  gradprop: number;
  tfjs: number;
  manual: number | null;
  /** tfjs / gradprop: how many times faster the engine is. */
  speedup: number;
  /** gradprop / manual: the engine's cost over the hand-derived backward's. */
  overManual: number | null;
  /** max over parameters of ‖g_tfjs − g‖ / ‖g‖: the two agree to float32 rounding. */
  agreement: number;
  samples: number;
}

export function benchEngine(cases: readonly ModelCase[], options: AlternateOptions = {}, log = console.log): EngineRow[] {
  const prepared = cases.map((c) => {
    const params = c.model.init(1);
    const batch = c.model.sampleBatch(2);
    const twin = tfTwin(c.model, params, batch);
    const contenders: Contender[] = [
      { name: 'gradprop', run: () => c.model.lossAndGrad(params, batch) },
      { name: 'tfjs', run: () => tfStep(twin) },
    ];
    const manual = c.model.manualGrad?.bind(c.model);
    if (manual) contenders.push({ name: 'manual', run: () => manual(params, batch) });
    return { ...c, params, batch, twin, contenders };
  });
  try {
    // Every contender of every case runs before any is timed: the JIT sees all the shapes and
    // call sites it will see in the measured runs, so no case is timed half-compiled.
    for (const { contenders } of prepared) alternate(contenders, { ...options, samples: 1 });
    return prepared.map(({ label, scale, sizes, model, params, batch, twin, contenders, extra }) => {
      const t = alternate(contenders, options);
      const row: EngineRow = {
        model: label,
        extra: extra ?? false,
        scale,
        sizes,
        params: model.paramNames.reduce((n, name) => n + params[name]!.size, 0),
        gradprop: t.gradprop!.median,
        tfjs: t.tfjs!.median,
        manual: t.manual?.median ?? null,
        speedup: t.tfjs!.median / t.gradprop!.median,
        overManual: t.manual ? t.gradprop!.median / t.manual.median : null,
        agreement: agreement(model.paramNames, model.lossAndGrad(params, batch).grads, tfLossAndGrad(twin).grads),
        samples: t.gradprop!.samples.length,
      };
      log(`  ${scale} ${label}: gradprop ${formatMs(row.gradprop)}, tfjs ${formatMs(row.tfjs)} (${formatRatio(row.speedup)})` +
        (row.manual === null ? '' : `, manual ${formatMs(row.manual)} (engine/manual ${formatRatio(row.overManual!)})`));
      return row;
    });
  } finally {
    for (const { twin } of prepared) twin.dispose();
  }
}

/** The largest ‖g_tfjs − g‖ / ‖g‖ over the parameters. */
function agreement(names: readonly string[], ours: Params, theirs: Record<string, Float64Array>): number {
  let worst = 0;
  for (const name of names) {
    const g = ours[name]!.data;
    const t = theirs[name]!;
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < g.length; i++) {
      diff += (t[i]! - g[i]!) ** 2;
      norm += g[i]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30));
  }
  return worst;
}

export function engineTable(rows: readonly EngineRow[]): string {
  return table(
    ['model', 'sizes', 'params', 'gradprop', 'tfjs-cpu', 'tfjs/gradprop', 'manual', 'gradprop/manual', '‖Δg‖/‖g‖ vs tfjs'],
    rows.map((r) => [
      `${r.model} (${r.scale}${r.extra ? ', extra' : ''})`,
      r.sizes,
      String(r.params),
      formatMs(r.gradprop),
      formatMs(r.tfjs),
      formatRatio(r.speedup),
      r.manual === null ? '—' : formatMs(r.manual),
      r.overManual === null ? '—' : formatRatio(r.overManual),
      r.agreement.toExponential(1),
    ]),
  );
}
