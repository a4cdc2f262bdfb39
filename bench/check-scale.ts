/**
 * The checker at a million parameters: for cheap elementwise targets (softsign, tanh), a dense
 * layer with its loss, and a scalar loss, all hand-written (scale-targets.ts), a fast check and
 * an auto check that pass, and an auto check with one planted wrong entry. Each row runs in a
 * fresh process (check-scale-row.ts) under a time limit, and says what the check cost against
 * what its target's own calls cost in the same process: time, and memory against the input's.
 * A fast row says it for the process's first check and for the warm checks after it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../src/check/index.js';
import type { RowResult, RowSpec, Spent } from './check-scale-row.js';
import { formatMs, load, table } from './measure.js';
import { SCALE_KINDS, type ScaleKind, scaleParams } from './scale-targets.js';

export interface ScaleOptions {
  sizes: readonly number[];
  kinds?: readonly ScaleKind[];
  /** Seconds a row (and its memory run) may take before it is stopped and reported as "> limit". */
  limitSeconds: number;
  /** Write a V8 CPU profile of every timed row into this folder (node --cpu-prof). */
  profileDir?: string;
}

/**
 * Checks a fast row runs after its first (check-scale-row.ts), and forward + vjp timings after
 * each: at least five, whose median is past the one or two that still compile something, and
 * more while they have taken under WARM_MS of CPU. At 10⁶ a check takes about a second, and five
 * keep the row near 10 s; at 10⁵ one takes 50–150 ms, and a check's own work keeps shrinking over
 * its first ten or twenty (the dense layer's: 88–162 ms in the first five, 57–86 in the last ten
 * of 25), which a suite's many checks are like.
 */
export const WARM_CHECKS = 5;
export const WARM_MS = 2000;
export const FB_PER_WARM_CHECK = 3;

/** A row that finished, or one stopped at the limit with what it had done by then. */
export type ScaleRow = RowResult | (RowSpec & { params: number; stopped: string; spent?: Spent; fbMs?: number });

const VARIANTS: readonly { mode: Mode; planted: boolean; label: string }[] = [
  { mode: 'fast', planted: false, label: 'fast, passing' },
  { mode: 'auto', planted: false, label: 'auto, passing' },
  { mode: 'auto', planted: true, label: 'auto, one wrong entry' },
];

const ROW_SCRIPT = fileURLToPath(new URL('./check-scale-row.ts', import.meta.url));

export function benchCheckScale(options: ScaleOptions, log = console.log): ScaleRow[] {
  const rows: ScaleRow[] = [];
  for (const n of options.sizes) {
    for (const kind of options.kinds ?? SCALE_KINDS) {
      for (const { mode, planted, label } of VARIANTS) {
        const spec: RowSpec = { kind, n, mode, planted, memory: false };
        const timed = runRow(spec, options);
        const row = 'stopped' in timed ? timed : { ...timed, heldBytes: held(runRow({ ...spec, memory: true }, { ...options, profileDir: undefined })) };
        rows.push(row);
        log(`  ${kind} n=${n.toLocaleString('en')} ${label}: ${'stopped' in row ? row.stopped : `${row.verdict}, ${calls(row)}, ${formatMs(row.cpuMs)} CPU`} (load ${load().toFixed(1)})`);
      }
    }
  }
  return rows;
}

function held(row: ScaleRow): number {
  return 'stopped' in row ? NaN : row.heldBytes!;
}

function runRow(spec: RowSpec, { limitSeconds, profileDir }: ScaleOptions): ScaleRow {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${spec.kind}-${spec.n}-${spec.mode}${spec.planted ? '-planted' : ''}.cpuprofile`] : [];
  const run = spawnSync(process.execPath, ['--expose-gc', ...profile, '--import', 'tsx', ROW_SCRIPT, JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: limitSeconds * 1000,
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.error || run.status !== 0) {
    const lines = (run.stderr ?? '').split('\n');
    const last = (tag: string) => lines.filter((line) => line.startsWith(`${tag} `)).at(-1)?.slice(tag.length + 1);
    const spent = last('progress');
    const fb = last('fb');
    const why = run.error && 'code' in run.error && run.error.code === 'ETIMEDOUT'
      ? `> ${limitSeconds} s`
      : `failed: ${run.error ?? lines.filter((l) => !/^(progress|fb) /.test(l)).join(' ').slice(0, 300)}`;
    return {
      ...spec,
      params: scaleParams(spec.kind, spec.n),
      stopped: why,
      ...(spent ? { spent: JSON.parse(spent) as Spent } : {}),
      ...(fb ? { fbMs: (JSON.parse(fb) as { fbMs: number }).fbMs } : {}),
    };
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as RowResult;
}

const calls = (r: Spent) => `${r.forward + r.vjp + r.jvp} (${r.forward} f + ${r.vjp} vjp + ${r.jvp} jvp)`;
const times = (bytes: number, of: number) => (Number.isFinite(bytes) ? `${(bytes / of).toFixed(1)}×` : '—');
const variant = (r: RowSpec) => VARIANTS.find((v) => v.mode === r.mode && v.planted === r.planted)!.label;

export function checkScaleTable(rows: readonly ScaleRow[]): string {
  return table(
    ['target', 'params', 'check', 'verdict', 'calls', 'CPU (wall)', 'F+B', 'F+B eq.', 'F+B eq. warm', 'in target', 'check ÷ target', 'check ÷ target warm', 'peak RSS ÷ input', 'held ÷ input'],
    rows.map((r) => {
      const head = [r.kind, r.params.toLocaleString('en'), variant(r)];
      if ('stopped' in r) {
        const s = r.spent;
        const fb = r.fbMs ?? NaN;
        return [
          ...head,
          r.stopped,
          s ? `${calls(s)} by then` : '—',
          s ? `> ${formatMs(s.cpuMs)}` : '—',
          formatMs(fb),
          s && fb ? `> ${(s.cpuMs / fb).toFixed(0)}` : '—',
          '—',
          s ? `${formatMs(s.targetCpuMs)} by then` : '—',
          s ? `${(s.cpuMs / s.targetCpuMs).toFixed(0)}× by then` : '—',
          '—',
          '—',
          '—',
        ];
      }
      const verdict = r.planted ? `${r.verdict}: ${r.entry} ${r.found ? '✓' : '✗'}` : r.verdict;
      return [
        ...head,
        verdict,
        calls(r),
        `${formatMs(r.cpuMs)} (${formatMs(r.wallMs)})`,
        formatMs(r.fbMs),
        (r.cpuMs / r.fbMs).toFixed(1),
        warm(r) ? `${fbWarm(r).toFixed(1)} = ${formatMs(r.warmCpuMs)} ÷ ${formatMs(r.warmFbMs)} (${r.warmChecks} checks)` : '—',
        `${formatMs(r.targetCpuMs)} = ${(r.targetCpuMs / r.fbMs).toFixed(1)} F+B`,
        `${(r.cpuMs / r.targetCpuMs).toFixed(1)}×`,
        warm(r) ? `${targetWarm(r).toFixed(1)}× (${formatMs(r.warmTargetCpuMs)} in target)` : '—',
        times(r.peakRssBytes ?? NaN, r.inputBytes),
        times(r.heldBytes ?? NaN, r.inputBytes),
      ];
    }),
  );
}

/** A row with warm checks: a fast one that finished its time run. */
type WarmRow = RowResult & Required<Pick<RowResult, 'warmChecks' | 'warmCpuMs' | 'warmTargetCpuMs' | 'warmFbMs'>>;
const warm = (r: RowResult): r is WarmRow => r.warmCpuMs !== undefined;
const fbWarm = (r: WarmRow) => r.warmCpuMs / r.warmFbMs;
const targetWarm = (r: WarmRow) => r.warmCpuMs / r.warmTargetCpuMs;

/** What the columns mean. */
export const SCALE_LEGEND = [
  'CPU: the CPU time (and wall time; the machine is shared) of the first check in the row\'s process, after a warm-up check on a smaller case of the same kind.',
  'F+B: the median CPU time of one forward + vjp of the target, timed in the same process before that check; F+B eq.: the first check\'s CPU over it.',
  'in target: CPU time inside the target\'s own calls during the first check; check ÷ target: the whole check over that.',
  `Fast rows, warm: ${WARM_CHECKS} further checks of the same case (seeds 8, 9, ...), more while they take under ${WARM_MS / 1000} s of CPU, each followed by ${FB_PER_WARM_CHECK} timed forward + vjp. F+B eq. warm: the checks\' median CPU over the forward + vjp\'s median;`,
  '  check ÷ target warm: the checks\' median CPU over the median CPU inside their target\'s calls. The issue\'s F+B and elementwise lines judge the fast rows on these.',
  'peak RSS ÷ input: resident memory\'s peak during the check above what it was before, over the input\'s bytes (garbage not yet collected and the target\'s own temporaries included).',
  'held ÷ input: the most the check kept alive at any call of the target (collected before and after each call, in a second run), beyond the result the target had just returned (its own allocation, as the issue counts it), over the input\'s bytes.',
].join('\n');

/** The issue's targets, judged on the rows that ran (a row stopped at the limit misses its target). */
export function scaleTargets(rows: readonly ScaleRow[], limitSeconds: number): { target: string; met: boolean; measured: string }[] {
  const done = (r: ScaleRow): r is RowResult => !('stopped' in r);
  const show = (r: ScaleRow, what: (r: RowResult) => string) => `${r.kind} ${r.n.toExponential(0).replace('+', '')}: ${done(r) ? what(r) : r.stopped}`;
  const judge = (target: string, of: readonly ScaleRow[], ok: (r: RowResult) => boolean, what: (r: RowResult) => string) =>
    of.length === 0 ? [] : [{ target, met: of.every((r) => done(r) && ok(r)), measured: of.map((r) => show(r, what)).join(', ') }];
  const ratio = (r: RowResult) => r.cpuMs / r.targetCpuMs;
  const elementwiseRatio = (r: RowResult) =>
    r.mode !== 'fast' ? `${ratio(r).toFixed(1)}×` : warm(r) ? `${targetWarm(r).toFixed(1)}× warm (first ${ratio(r).toFixed(1)}×)` : 'no warm checks';
  const elementwise = (r: ScaleRow) => (r.kind === 'softsign' || r.kind === 'tanh') && r.n >= 1e6;
  // a cheap target's own 12 forwards and 2 vjps are already near 10 F+B: it is judged against its calls instead
  const fastDense = rows.filter((r) => r.mode === 'fast' && r.kind === 'dense');
  const planted = rows.filter((r) => r.planted);
  return [
    ...judge('dense layer: a passing fast check ≤ 10 F+B equivalents', fastDense, (r) => warm(r) && fbWarm(r) <= 10,
      (r) => (warm(r) ? `${fbWarm(r).toFixed(1)} warm (first ${(r.cpuMs / r.fbMs).toFixed(1)})` : 'no warm checks')),
    ...judge('cheap elementwise, 1e6 entries: a passing check ≤ 4× its target\'s own calls', rows.filter((r) => elementwise(r) && !r.planted),
      (r) => (r.mode === 'fast' ? warm(r) && targetWarm(r) <= 4 : ratio(r) <= 4), (r) => `${r.mode} ${elementwiseRatio(r)}`),
    ...judge('elementwise, 1e6 entries: localising one wrong entry ≤ 5× its target\'s calls and ≤ 30 s', planted.filter(elementwise), (r) => r.found && ratio(r) <= 5 && r.cpuMs <= 30_000,
      (r) => `${ratio(r).toFixed(1)}×, ${formatMs(r.cpuMs)}${r.found ? '' : ', NOT FOUND'}`),
    ...judge('scalar loss, 1e6 entries: one wrong entry found in ≤ 500 forward evaluations', planted.filter((r) => r.kind === 'logcosh' && r.n >= 1e6), (r) => r.found && r.forward <= 500,
      (r) => `${r.forward} forwards${r.found ? '' : ', NOT FOUND'}`),
    ...judge('1e6 parameters: the check holds ≤ 12× the input\'s bytes beyond what the target allocates', rows.filter((r) => r.n >= 1e6), (r) => (r.heldBytes ?? Infinity) <= 12 * r.inputBytes,
      (r) => `${r.mode}${r.planted ? ' planted' : ''} ${times(r.heldBytes ?? NaN, r.inputBytes)}`),
  ].map((t) => ({ ...t, measured: `${t.measured} (limit ${limitSeconds} s)` }));
}
