/**
 * Wall time of the project's own checks: `npm test` (typecheck + every test and property suite)
 * and the default `gradprop verify`, each run once as a child process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatMs, load, table } from './measure.js';

export interface SuiteRun {
  command: string;
  ms: number;
  exitCode: number | null;
  /** The last line of output worth quoting (vitest's summary, the CLI's verdict). */
  summary: string;
  note?: string;
  /** 1-minute load average just before the run. */
  load: number;
}

function timed(command: string, args: readonly string[], summaryPattern: RegExp, timeoutMs: number): SuiteRun {
  const before = load();
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  const ms = performance.now() - start;
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n').map((l) => l.trim());
  const summary = output.filter((l) => summaryPattern.test(l)).join('; ') || output.filter(Boolean).slice(-1)[0] || '';
  return {
    command: [command, ...args].join(' '),
    ms,
    exitCode: result.status,
    summary: summary.slice(0, 160),
    ...(result.error ? { note: String(result.error) } : {}),
    load: before,
  };
}

export function benchSuite(log = console.log): SuiteRun[] {
  const runs: SuiteRun[] = [];
  log('  npm test …');
  runs.push(timed('npm', ['test'], /^(Test Files|Tests|Duration)\b/, 600_000));
  log(`  npm test: ${formatMs(runs[0]!.ms)} (exit ${runs[0]!.exitCode})`);
  if (!existsSync('bin/gradprop.js')) {
    runs.push({ command: 'node bin/gradprop.js verify', ms: NaN, exitCode: null, summary: '', note: 'bin/gradprop.js does not exist yet', load: load() });
  } else {
    log('  node bin/gradprop.js verify …');
    const verify = timed('node', ['bin/gradprop.js', 'verify'], /^gradprop verify:/, 600_000);
    if (/^stub\b/.test(verify.summary)) verify.note = 'bin/gradprop.js is still a stub (the CLI is being written): this times the stub, not verify';
    runs.push(verify);
    log(`  gradprop verify: ${formatMs(verify.ms)} (exit ${verify.exitCode})${verify.note ? ` — ${verify.note}` : ''}`);
  }
  return runs;
}

export function suiteTable(runs: readonly SuiteRun[]): string {
  return table(
    ['command', 'wall time', 'exit', 'load before', 'summary / note'],
    runs.map((r) => [r.command, formatMs(r.ms), String(r.exitCode ?? '—'), r.load.toFixed(2), r.note ?? r.summary]),
  );
}
