/**
 * npm run bench [-- --skip-suite] [-- --only=engine,matmul,check,scale,mutants,detection,hostile,suite,workers] [-- --quick]
 *   [-- --limit=<seconds a scale row may take>] [-- --kinds=softsign,tanh,dense,logcosh]
 *   [-- --profile=<folder for a CPU profile of every scale row>]
 *
 * Detection (BENCHMARKS part 5) runs only when asked for (--only=detection): it takes about half
 * an hour. So do hostile functions (part 5b, --only=hostile): about two minutes.
 *
 * Prints one table per part and the targets met or missed, and writes bench/results.json.
 * Speed is only ever stated as a ratio to a peer measured in the same run (tfjs-cpu, the
 * hand-derived backward, one forward + backward), so a busy machine shifts both sides alike.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCheckCost, checkCostTable, localisationTable, type CheckCostRow } from './check-cost.js';
import { SCALE_LEGEND, type ScaleRow, benchCheckScale, checkScaleTable, scaleTargets } from './check-scale.js';
import { benchEngine, engineTable, modelCases, type EngineRow } from './engine-vs-tfjs.js';
import { benchMatmul, matmulTable, type MatmulRow } from './matmul.js';
import { TARGETS, alarmTable, benchDetection, catchTable, defaultChecker, type DetectionResult } from './detection.js';
import { type HostileRow, benchHostile, hostileTable } from './hostile.js';
import { load, machine, median, table } from './measure.js';
import { type MutantCatchRow, benchMutantCatchRates, mutantCatchTable } from './mutant-catch-rates.js';
import { benchSuite, suiteTable, type SuiteRun } from './suite.js';
import { SCALE_FORMULAS, SCALE_KINDS, type ScaleKind } from './scale-targets.js';
import { loadTfjsCpu } from './tfjs-models.js';
import { benchWorkers, medianOf, workersTable, type WorkersBench } from './workers.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'skip-suite': { type: 'boolean', default: false },
    limit: { type: 'string', default: '120' },
    kinds: { type: 'string' },
    profile: { type: 'string' },
  },
});
const only = args.only?.split(',');
const quick = args.quick;
const wants = (part: string) => (only ? only.includes(part) : part !== 'detection' && part !== 'hostile' && (part !== 'suite' || !args['skip-suite']));
const limitSeconds = Number(args.limit);
const kinds = args.kinds?.split(',') as ScaleKind[] | undefined;
const unknownKind = kinds?.find((k) => !SCALE_KINDS.includes(k));
if (!(limitSeconds > 0) || unknownKind !== undefined) {
  throw new Error(`npm run bench: --limit takes seconds (got ${args.limit}), --kinds some of ${SCALE_KINDS.join(', ')} (got ${args.kinds})`);
}

/** The commit measured, and the files under src/ that differed from it (others work in this checkout). */
function gitState(): { commit: string; uncommitted: string[] } {
  const git = (command: string) => execSync(`git ${command}`, { encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse --short HEAD'), uncommitted: git('status --porcelain -- src').split('\n').filter(Boolean) };
  } catch {
    return { commit: 'unknown', uncommitted: [] };
  }
}

const host = machine();
console.log(`gradprop bench — ${new Date().toISOString()}`);
console.log(`${host.cpus} × ${host.cpuModel}, Node ${host.node}, load ${host.loadStart.toFixed(2)}${quick ? ' (--quick: fewer samples, not for the record)' : ''}\n`);

const timing = quick ? { samples: 5, sampleMs: 10, warmupMs: 100 } : { samples: 11, sampleMs: 25, warmupMs: 300 };
const results: {
  date: string;
  machine: typeof host;
  quick: boolean;
  engine?: EngineRow[];
  matmul?: MatmulRow[];
  checkCost?: CheckCostRow[];
  checkScale?: ScaleRow[];
  mutantCatchRates?: MutantCatchRow[];
  suite?: SuiteRun[];
  detection?: DetectionResult;
  hostile?: HostileRow[];
  workers?: WorkersBench;
  targets?: Target[];
  git: { commit: string; uncommitted: string[] };
} = { date: new Date().toISOString(), machine: host, quick, git: gitState() };

if (results.git.uncommitted.length > 0) console.log(`measuring ${results.git.commit} with uncommitted changes under src/: ${results.git.uncommitted.join(', ')}\n`);
const tf = await loadTfjsCpu();

interface Target {
  target: string;
  met: boolean;
  measured: string;
}
const targets: Target[] = [];
const target = (name: string, met: boolean, measured: string) => targets.push({ target: name, met, measured });

if (wants('engine')) {
  console.log('1. Forward + backward: gradprop engine vs tfjs-cpu vs the hand-derived backward (median ms per call)');
  const rows = benchEngine(modelCases(), timing);
  results.engine = rows;
  console.log(`\n${engineTable(rows)}\n`);
  const extras = (of: readonly EngineRow[], show: (r: EngineRow) => string) =>
    of.some((r) => r.extra) ? `; extra rows, not judged: ${of.filter((r) => r.extra).map(show).join(', ')}` : '';
  for (const scale of ['lecture', 'realistic'] as const) {
    const need = scale === 'lecture' ? 10 : 3;
    const of = rows.filter((r) => r.scale === scale);
    const judged = of.filter((r) => !r.extra);
    const show = (r: EngineRow) => `${r.model} ${r.speedup.toFixed(1)}×`;
    target(`engine ≥ ${need}× faster than tfjs-cpu at the ${scale} sizes`, judged.every((r) => r.speedup >= need),
      judged.map(show).join(', ') + extras(of, show));
  }
  const manual = rows.filter((r) => r.overManual !== null);
  const showManual = (r: EngineRow) => `${r.model} (${r.scale}) ${r.overManual!.toFixed(2)}×`;
  target('engine lossAndGrad within 2× of manualGrad at every size', manual.filter((r) => !r.extra).every((r) => r.overManual! <= 2),
    manual.filter((r) => !r.extra).map(showManual).join(', ') + extras(manual, showManual));
  const agreement = Math.max(...rows.map((r) => r.agreement));
  target('tfjs and gradprop gradients agree (float32 rounding)', agreement < 1e-4, `max ‖Δg‖/‖g‖ = ${agreement.toExponential(1)}`);
}

if (wants('matmul')) {
  console.log('2. Matmul, n × n times n × n');
  // longer samples: a product of milliseconds, alternated with tfjs's, starts with cold caches
  const rows = benchMatmul(tf, [64, 128, 256, 512], { ...timing, sampleMs: quick ? 50 : 250 });
  results.matmul = rows;
  console.log(`\n${matmulTable(rows)}\n`);
  const at256 = rows.find((r) => r.n === 256)!;
  target('matmul ≥ 4 GFLOP/s at n = 256 (float64)', at256.gradprop.gflops >= 4, `${at256.gradprop.gflops.toFixed(2)} GFLOP/s`);
}

if (wants('check')) {
  console.log('3. The cost of a check: MLP [k, k, 1] (tanh, square loss, B = 8), (k + 1)² parameters');
  const rows = benchCheckCost(quick ? [9, 31, 99, 315] : [9, 31, 99, 315, 999]);
  results.checkCost = rows;
  console.log(`\n${checkCostTable(rows)}\n`);
  console.log(`Auto mode on the same targets with one wrong gradient entry (W1, a third of the way in):\n\n${localisationTable(rows)}\n`);
  const largest = rows[rows.length - 1]!;
  target(`fast check of a ${largest.params.toLocaleString('en')}-parameter model in ≤ 10 forward + backward equivalents (time)`,
    largest.fast.fbEquivalents <= 10,
    `${largest.fast.fbEquivalents.toFixed(1)} F+B; the target's ${largest.fast.calls} calls (${largest.fast.forward} forward, ${largest.fast.vjp} vjp, ${largest.fast.jvp} jvp) ` +
      `account for ${(largest.fast.targetMs / largest.forwardBackward).toFixed(1)} F+B, the checker's own work for the rest`);
  const fastCalls = rows.map((r) => r.fast.calls);
  const constant = Math.max(...fastCalls) <= 1.25 * Math.min(...fastCalls);
  target('fast mode: evaluations do not grow with size (within ±25%)', constant, `${fastCalls.join(', ')} calls for n = ${rows.map((r) => r.params).join(', ')}`);
  const perLevel = rows.map((r) => r.planted.localisationCalls / r.planted.log2n);
  const logarithmic = rows.every((r) => r.planted.found) && Math.max(...perLevel) <= 2 * Math.min(...perLevel);
  target('auto mode names a single wrong entry in O(log n) evaluations', logarithmic,
    rows.map((r) => `n=${r.params}: ${r.planted.localisationCalls}`).join(', ') + ` (per log2 n: ${perLevel.map((x) => x.toFixed(1)).join(', ')})`);
}

if (wants('scale')) {
  const sizes = quick ? [1e5] : [1e5, 1e6];
  console.log(`3b. The checker at ${sizes.map((n) => n.toExponential(0).replace('+', '')).join(' and ')} parameters: hand-written targets, each row in a fresh process (limit ${limitSeconds} s a row)`);
  const rows = benchCheckScale({ sizes, ...(kinds ? { kinds } : {}), limitSeconds, ...(args.profile ? { profileDir: args.profile } : {}) });
  results.checkScale = rows;
  console.log(`\n${checkScaleTable(rows)}\n`);
  console.log(`${SCALE_LEGEND}\n${Object.entries(SCALE_FORMULAS).map(([kind, formula]) => `${kind}: ${formula}`).join('\n')}\n`);
  for (const t of scaleTargets(rows, limitSeconds)) target(t.target, t.met, t.measured);
}

if (wants('mutants')) {
  console.log('The mutant corpus: the share of fresh cases at which one check catches each buggy layer');
  const rows = benchMutantCatchRates(quick ? 20 : 100);
  results.mutantCatchRates = rows;
  console.log(`\n${mutantCatchTable(rows)}\n`);
}

if (wants('detection')) {
  console.log('5. Detection: single checks against planted errors, false alarms on correct targets, and their cost');
  const deltas = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
  const result = benchDetection({
    runs: [
      { checker: defaultChecker, arithmetic: 'float32' },
      { checker: defaultChecker, arithmetic: 'float64' },
    ],
    deltas,
    checksPerCell: quick ? 20 : 100,
    alarmChecks: quick ? 100 : 1000,
    targets: TARGETS,
    progress: (line) => console.log(`  ${line}`),
  });
  results.detection = result;
  console.log(`\nCatch rates (in brackets: catches that named exactly the planted entry)\n\n${catchTable(result, deltas)}\n`);
  console.log(`Correct targets\n\n${alarmTable(result)}\n`);
  const float32 = (checker: string) => ({
    catches: result.catches.filter((c) => c.checker === checker && c.arithmetic === 'float32'),
    alarms: result.alarms.filter((r) => r.checker === checker && r.arithmetic === 'float32'),
  });
  const probe = float32(defaultChecker.name);
  const rate = (kind: 'whole' | 'entry', delta: number) => probe.catches.filter((c) => c.kind === kind && c.delta === delta);
  const show = (cells: typeof probe.catches) => cells.map((c) => `${c.target} ${c.caught}/${c.checks}`).join(', ');
  target('float32: whole gradient ×(1+1e-5) caught in ≥ 99% of single checks', rate('whole', 1e-5).every((c) => c.caught >= 0.99 * c.checks), show(rate('whole', 1e-5)));
  target('float32: one ordinary entry ×(1+1e-2) caught in ≥ 95%', rate('entry', 1e-2).every((c) => c.caught >= 0.95 * c.checks), show(rate('entry', 1e-2)));
  const alarms = probe.alarms.map((r) => `${r.target} ${r.verdicts.fail ?? 0}/${r.checks}`).join(', ');
  target('float32: no false alarm on correct targets (relu MLP included)', probe.alarms.every((r) => (r.verdicts.fail ?? 0) === 0), alarms);
  const inconclusive = (r: (typeof probe.alarms)[number]) => (r.verdicts.inconclusive ?? 0) / r.checks;
  target(
    'float32: inconclusive in < 1% of correct checks of smooth targets, < 5% on the relu MLP',
    probe.alarms.every((r) => inconclusive(r) < (r.target === 'relu mlp' ? 0.05 : 0.01)),
    probe.alarms.map((r) => `${r.target} ${r.verdicts.inconclusive ?? 0}/${r.checks}`).join(', '),
  );
  const passing = probe.alarms.flatMap((r) => r.forwardPassing);
  target('float32: a passing check costs ≤ 200 forward evaluations', Math.max(...passing) <= 200, `mean ${(passing.reduce((a, b) => a + b, 0) / passing.length).toFixed(0)}, max ${Math.max(...passing)}`);
}

if (wants('hostile')) {
  console.log('5b. Hostile functions: staircases and oscillations beyond any rounding, seeded default checks');
  const rows = benchHostile(quick);
  results.hostile = rows;
  console.log(`\n${hostileTable(rows)}\n`);
  const wrongPassed = rows.filter((r) => r.gradient === 'wrong');
  target('a wrong gradient never passes', wrongPassed.every((r) => (r.verdicts.pass ?? 0) === 0), wrongPassed.map((r) => `${r.verdicts.pass ?? 0}/${r.checks}`).join(', '));
  const rightFailed = rows.filter((r) => r.gradient === 'right');
  target('a right gradient never fails', rightFailed.every((r) => (r.verdicts.fail ?? 0) === 0), rightFailed.map((r) => `${r.verdicts.fail ?? 0}/${r.checks}`).join(', '));
}

if (wants('suite')) {
  console.log('4. The suite');
  const runs = benchSuite();
  results.suite = runs;
  console.log(`\n${suiteTable(runs)}\n`);
  target('npm test within 90 s', runs[0]!.ms <= 90_000 && runs[0]!.exitCode === 0, `${(runs[0]!.ms / 1000).toFixed(1)} s, exit ${runs[0]!.exitCode}`);
}

if (wants('workers')) {
  console.log(`5. gradprop verify on one worker and on all ${host.cpus} cores, at gradprop's inlining budget and V8's default (alternated, ${quick ? 2 : 5} runs each)`);
  const bench = benchWorkers(quick ? 2 : 5);
  results.workers = bench;
  console.log(`\n${workersTable(bench)}\n`);
  const others = median(bench.runs.map((r) => r.othersCores));
  if (bench.autogroup && others > 0.5) {
    console.log(`Other processes kept ${others.toFixed(1)} of the ${bench.cores} cores busy (median over the runs), and Linux shares the CPU between sessions before it shares it between a session's processes (autogroup): with other sessions busy, a run gets its session's share however many workers it has. The ratio below measures the machine then, not the workers.\n`);
  }
  if (bench.v8Budget !== null) {
    const cpu = (workers: number) => (medianOf(bench.runs, workers, 'gradprop', 'cpuMs') / medianOf(bench.runs, workers, 'V8 default', 'cpuMs')).toFixed(2);
    const wall = (workers: number) => (medianOf(bench.runs, workers, 'gradprop', 'wallMs') / medianOf(bench.runs, workers, 'V8 default', 'wallMs')).toFixed(2);
    console.log(`At gradprop's inlining budget against V8's default (${bench.v8Budget}): ${cpu(1)}× the CPU and ${wall(1)}× the wall time on one worker, ${cpu(bench.cores)}× and ${wall(bench.cores)}× on ${bench.cores}.\n`);
  }
  target(`gradprop verify on all cores ≤ 0.65× the wall time of --workers 1`, bench.ratio <= 0.65, `${bench.ratio.toFixed(2)}× (medians); other processes kept ${others.toFixed(1)} cores busy meanwhile (median)`);
  target('gradprop verify: the same JSON on one worker and on all cores, at either inlining budget, apart from timings', bench.sameJson, bench.sameJson ? 'the same' : 'DIFFERENT');
}

host.loadEnd = load();
results.targets = targets;
console.log(`Targets (load ${host.loadStart.toFixed(2)} at the start, ${host.loadEnd.toFixed(2)} at the end)\n`);
console.log(`${table(['target', 'met', 'measured'], targets.map((t) => [t.target, t.met ? 'met' : 'MISSED', t.measured]))}\n`);
if (!quick && !only) {
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('wrote bench/results.json');
} else {
  const partial = join(tmpdir(), 'gradprop-bench-partial.json');
  writeFileSync(partial, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`partial run (--only or --quick): wrote ${partial}; bench/results.json untouched`);
}
