/**
 * One row of the scale bench, in a process of its own (started by check-scale.ts with
 * --expose-gc): a fresh process has no other row's garbage, JIT state or peak memory.
 *
 * It warms up the checker and the target on a small case of the same kind (one that takes the
 * same paths: see the warm-up below), times one forward + backward of the target, then runs one
 * check through a front that counts and times the target's own calls, and prints the row as JSON
 * on stdout. After every call of that check it writes the counts so far to stderr, so that a row
 * stopped at the time limit still says how far it got.
 *
 * A fast row then runs further checks of the same case (warm checks: its code compiled by the
 * first), alternated with forward + backward timings, and reports their medians too. The first
 * check of a process pays for compiling loops that run once a check (at 10⁵ most of its cost);
 * a test or a suite runs many checks in one process, and pays that once.
 *
 * In --memory runs it instead collects garbage before and after every call of the target and
 * records what is still alive: what the checker holds, without the target's own temporaries (the
 * samples are taken outside its calls) and without garbage not yet collected.
 */
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { type Differentiable, type Mode, checkGradients } from '../src/check/index.js';
import { PROJECTED_FROM } from '../src/check/context.js';
import { type Tensor, isTensor, randn, unravelIndex } from '../src/tensor/index.js';
import { FB_PER_WARM_CHECK, WARM_CHECKS, WARM_MS } from './check-scale.js';
import { alternate, cpuMs, median } from './measure.js';
import { type ScaleKind, scaleCase } from './scale-targets.js';

/** What the parent asks of one row. */
export interface RowSpec {
  kind: ScaleKind;
  n: number;
  mode: Mode;
  planted: boolean;
  memory: boolean;
}

/** The counts and the time inside the target so far: what a progress line carries. */
export interface Spent {
  forward: number;
  vjp: number;
  jvp: number;
  /** CPU and wall ms inside the target's own calls. */
  targetCpuMs: number;
  targetWallMs: number;
  /** CPU ms since the check started. */
  cpuMs: number;
}

/** What a row measured. */
export interface RowResult extends RowSpec, Spent {
  params: number;
  /** Bytes of every input's entries. */
  inputBytes: number;
  verdict: string;
  /** The entry the report names, and whether it is the planted one (planted rows). */
  entry: string;
  found: boolean;
  wallMs: number;
  /** CPU ms of one forward + vjp of the target, and of one forward (medians). */
  fbMs: number;
  fMs: number;
  /** Peak resident memory during the check above the resident memory just before it (time runs). */
  peakRssBytes?: number;
  /**
   * Fast time runs: how many warm checks ran (seeds 8, 9, ...), the medians of their CPU ms and of
   * the CPU ms inside their target's calls, and of the forward + vjp timings alternated with them.
   */
  warmChecks?: number;
  warmCpuMs?: number;
  warmTargetCpuMs?: number;
  warmFbMs?: number;
  /** The most the check held alive at any call of the target (memory runs). */
  heldBytes?: number;
  /** Where it was held: before or after which call of the target (`after forward 3`: the check's third forward). */
  heldAt?: string;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('check-scale-row.ts runs with --expose-gc');

const spec = JSON.parse(process.argv[2]!) as RowSpec;

/** Bytes of the buffers behind what a call of a scale target returned (a tensor, or a list of them): each its own, allocated in the call. */
function resultBytes(result: unknown): number {
  const tensors = (Array.isArray(result) ? result : [result]).filter((t): t is Tensor => isTensor(t));
  return [...new Set(tensors.map((t) => t.data.buffer))].reduce((bytes, buffer) => bytes + buffer.byteLength, 0);
}

/**
 * The target behind a front that counts and times its calls, and in memory runs samples what is
 * alive around them. With `progress`, it writes the counts after every call.
 */
function instrumented(target: Differentiable, spent: Spent, memory: { base: number; held: number; at: string } | null, progress: boolean): Differentiable {
  // `theirs`: bytes the target allocated and still holds out to the checker (its result), which the
  // issue's line leaves out — beyond what the target itself allocates
  const alive = (at: string, theirs = 0) => {
    // twice: V8 sweeps array buffers concurrently, and counts their memory freed only by the next collection
    gc!();
    gc!();
    const { heapUsed, external } = process.memoryUsage();
    const held = heapUsed + external - memory!.base - theirs;
    if (held > memory!.held) Object.assign(memory!, { held, at });
  };
  const timed = <T>(kind: 'forward' | 'vjp' | 'jvp', call: () => T): T => {
    if (memory) alive(`before ${kind} ${spent[kind] + 1}`);
    const cpu = cpuMs();
    const wall = performance.now();
    let result: T | undefined;
    try {
      result = call();
      return result;
    } finally {
      spent.targetCpuMs += cpuMs() - cpu;
      spent.targetWallMs += performance.now() - wall;
      spent[kind]++;
      if (memory) alive(`after ${kind} ${spent[kind]}`, resultBytes(result));
      if (progress) writeSync(2, `progress ${JSON.stringify({ ...spent, cpuMs: cpuMs() - spent.cpuMs })}\n`);
    }
  };
  return {
    name: target.name,
    forward: (xs) => timed('forward', () => target.forward(xs)),
    vjp: (xs, v) => timed('vjp', () => target.vjp(xs, v)),
    ...(target.jvp ? { jvp: (xs: readonly Tensor[], ts: readonly Tensor[]) => timed('jvp', () => target.jvp!(xs, ts)) } : {}),
  };
}

/** Resident memory's high-water mark, reset (Linux: /proc/self/clear_refs); false where it cannot be. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  const status = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return status ? Number(status[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

// warm-up: the checker's and the target's code compiled on a small case of the same kind, large
// enough that its output takes the path a large one does (projections, see PROJECTED_FROM): at
// 1024 entries the elementwise rows ran that path's code cold, compiling it inside the check timed
const warm = scaleCase(spec.kind, Math.min(spec.n, 2 * PROJECTED_FROM), spec.planted);
checkGradients(warm.target, warm.inputs, { mode: spec.mode, seed: 7 });

const { target, inputs, params, wrong } = scaleCase(spec.kind, spec.n, spec.planted);
const cotangent = randn(target.forward(inputs).shape, 3);
const t = alternate(
  [
    { name: 'fb', run: () => [target.forward(inputs), target.vjp(inputs, cotangent)] },
    { name: 'f', run: () => target.forward(inputs) },
  ],
  { samples: 5, sampleMs: 50, warmupMs: 200 },
);
writeSync(2, `fb ${JSON.stringify({ fbMs: t.fb!.median, fMs: t.f!.median })}\n`);

const spent: Spent = { forward: 0, vjp: 0, jvp: 0, targetCpuMs: 0, targetWallMs: 0, cpuMs: 0 };
gc();
gc();
const memory = spec.memory ? { base: 0, held: 0, at: '' } : null;
if (memory) memory.base = process.memoryUsage().heapUsed + process.memoryUsage().external;
const peakKnown = resetPeak();
const rssBefore = process.memoryUsage.rss();
const front = instrumented(target, spent, memory, true);
spent.cpuMs = cpuMs();
const wallStart = performance.now();
const report = checkGradients(front, inputs, { mode: spec.mode, seed: 7 });
const wallMs = performance.now() - wallStart;
spent.cpuMs = cpuMs() - spent.cpuMs;
// the first check's peak, before any warm check runs
const peakRssBytes = peakKnown ? peakRss() - rssBefore : NaN;

/** The warm checks' and the forward + vjp timings' medians; each check's verdict must be the first's. */
function warmChecks(): Pick<RowResult, 'warmChecks' | 'warmCpuMs' | 'warmTargetCpuMs' | 'warmFbMs'> {
  const checks: number[] = [];
  const targets: number[] = [];
  const fbs: number[] = [];
  let checksMs = 0;
  for (let i = 0; i < WARM_CHECKS || checksMs < WARM_MS; i++) {
    const spent: Spent = { forward: 0, vjp: 0, jvp: 0, targetCpuMs: 0, targetWallMs: 0, cpuMs: 0 };
    const front = instrumented(target, spent, null, false);
    // no collection forced here: as in a suite, a check's garbage goes in collections during what
    // runs next, and its freed memory is reused. A forced one hands the freed pages back to the
    // system, and whoever allocates next faults them in afresh (the dense layer at 10⁵: 120 ms a
    // check, 84 without; softsign at 10⁶: its target's calls 224 ms a check, 37 without)
    const start = cpuMs();
    const { verdict } = checkGradients(front, inputs, { mode: spec.mode, seed: 8 + i });
    checks.push(cpuMs() - start);
    checksMs += checks.at(-1)!;
    targets.push(spent.targetCpuMs);
    if (verdict !== report.verdict) throw new Error(`warm check with seed ${8 + i}: ${verdict}, the first check: ${report.verdict}`);
    for (let k = 0; k < FB_PER_WARM_CHECK; k++) {
      const fb = cpuMs();
      target.forward(inputs);
      target.vjp(inputs, cotangent);
      fbs.push(cpuMs() - fb);
    }
  }
  return { warmChecks: checks.length, warmCpuMs: median(checks), warmTargetCpuMs: median(targets), warmFbMs: median(fbs) };
}

const warmFigures = spec.mode === 'fast' && !spec.memory ? warmChecks() : {};

const worst = report.worst;
const entry = worst && worst.input !== null ? `input ${worst.input} [${worst.index.join(', ')}]` : report.verdict === 'fail' ? 'a projection' : '—';
const wrongShape = inputs[wrong.input]!.shape;
const expected = `input ${wrong.input} [${unravelIndex(wrong.flat, wrongShape).join(', ')}]`;
const result: RowResult = {
  ...spec,
  ...spent,
  params,
  inputBytes: inputs.reduce((bytes, x) => bytes + x.data.byteLength, 0),
  verdict: report.verdict,
  entry,
  found: spec.planted && report.verdict === 'fail' && entry === expected,
  wallMs,
  fbMs: t.fb!.median,
  fMs: t.f!.median,
  ...warmFigures,
  ...(memory ? { heldBytes: memory.held, heldAt: memory.at } : { peakRssBytes }),
};
console.log(JSON.stringify(result));
