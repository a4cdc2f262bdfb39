/** The human report on stdout: the summary table, what was skipped, each failure in full, one closing line. */
import type { LawResult, LawVerdict, RunResult, TargetResult } from './json.js';

type Paint = (text: string) => string;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

function palette(colour: boolean): Record<'red' | 'green' | 'yellow' | 'dim' | 'bold', Paint> {
  const sgr = (code: number): Paint => (colour ? (text) => `\x1b[${code}m${text}\x1b[0m` : (text) => text);
  return { red: sgr(31), green: sgr(32), yellow: sgr(33), dim: sgr(2), bold: sgr(1) };
}

const VERDICT: Record<LawVerdict, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const short = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const time = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

export function formatRun(result: RunResult, colour: boolean): string {
  const paint = palette(colour);
  const sections = [header(result), table(result, paint)];
  if (result.skipped.length > 0) {
    sections.push(['skipped exports:', ...result.skipped.map((s) => `  ${s.module}, export ${s.export}: ${s.reason}`)].join('\n'));
  }
  const errors = [...result.moduleErrors.map((e) => e.message), ...result.targets.filter((t) => t.verdict === 'error').map((t) => t.message!)];
  if (errors.length > 0) sections.push([paint.red(paint.bold('errors:')), ...errors.map((e) => `\n${paint.red('✗')} ${e}`)].join('\n'));
  const failures = result.targets.flatMap((t) => t.laws.filter((l) => l.verdict === 'fail' || l.verdict === 'error').map((l) => ({ t, l })));
  if (failures.length > 0) {
    sections.push([paint.red(paint.bold('failures:')), ...failures.map(({ t, l }) => `\n${paint.red('✗')} ${t.id} — ${l.law}\n${indent(failureText(l))}`)].join('\n'));
  }
  if (result.power.length > 0) sections.push(result.power.map((p) => p.text).join('\n\n'));
  sections.push(closing(result, paint));
  const text = `${sections.join('\n\n')}\n`;
  // A target's own error message may carry colour codes; without colour, none get through.
  return colour ? text : text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

function header({ command, modules, options, summary }: RunResult): string {
  const what = command === 'check' ? `check ${modules.join(' ')}` : 'verify';
  const scope = [options.filter && `--filter ${options.filter}`, options.law && `--law ${options.law}`, options.shard && `--shard ${options.shard}`, options.path && `--path ${options.path}`].filter(Boolean);
  return `gradprop ${what}: ${plural(summary.targets, 'target')}, seed ${options.seed}, ${plural(options.runs, 'case')} per law, ${options.mode} mode${options.order === 2 ? ', order 2' : ''}${scope.length ? ` (${scope.join(', ')})` : ''}`;
}

function table(result: RunResult, paint: ReturnType<typeof palette>): string {
  const head = ['target', 'law', 'cases', 'verdict', 'worst rel err', 'evaluations f/vjp/jvp', 'time'];
  const rows: { cells: string[]; verdict: LawVerdict }[] = result.targets.flatMap((t: TargetResult) =>
    t.verdict === 'error'
      ? [{ cells: [t.id, '—', '0', 'ERROR', '·', '·', '·'], verdict: 'error' as const }]
      : t.laws.map((l) => ({ cells: lawCells(t, l), verdict: l.verdict })),
  );
  if (rows.length === 0) return 'no targets to check';
  const widths = head.map((_, j) => Math.max(head[j]!.length, ...rows.map((r) => r.cells[j]!.length)));
  const numeric = new Set([2, 4, 6]);
  const line = (cells: string[], verdict?: LawVerdict) =>
    cells
      .map((cell, j) => {
        const padded = numeric.has(j) ? cell.padStart(widths[j]!) : cell.padEnd(widths[j]!);
        return j === 3 && verdict ? colourOf(verdict, paint)(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [paint.bold(line(head)), ...rows.map((r) => line(r.cells, r.verdict))].join('\n');
}

function lawCells(t: TargetResult, l: LawResult): string[] {
  const e = l.evaluations;
  const evaluations = l.verdict === 'skipped' ? '·' : `${e.forward}/${e.vjp}/${e.jvp}`;
  return [t.id, l.law, String(l.cases), VERDICT[l.verdict], l.worst ? short(l.worst.relError) : '·', evaluations, l.verdict === 'skipped' ? '·' : time(l.timeMs)];
}

function colourOf(verdict: LawVerdict, paint: ReturnType<typeof palette>): Paint {
  return verdict === 'pass' ? paint.green : verdict === 'skipped' ? paint.yellow : paint.red;
}

/** A failing law in full: what is wrong, the counterexample, the checker's table, and how to replay it. */
export function failureText(l: LawResult): string {
  const parts = [l.message ?? ''];
  if (l.counterexample !== null) parts.push(`counterexample (after ${plural(l.cases, 'case')}, shrunk ${plural(l.shrinks, 'time')}): ${l.counterexample}`);
  if (l.report !== null) parts.push('', l.report);
  if (l.replay !== null) parts.push('', `replay: ${l.replay}`);
  if (l.test !== null) parts.push('', 'as a test of its own:', l.test);
  return parts.join('\n');
}

function closing({ command, summary, moduleErrors, power, exitCode, durationMs, options }: RunResult, paint: ReturnType<typeof palette>): string {
  const verdict = exitCode === 0 ? paint.green('PASS') : paint.red('FAIL');
  const counts = `${summary.passed} passed, ${summary.failed} failed, ${plural(summary.errors, 'error')}, ${summary.skipped} skipped laws on ${plural(summary.targets, 'target')}`;
  const unloaded = moduleErrors.length > 0 ? `; ${plural(moduleErrors.length, 'module')} could not be loaded` : '';
  const weak = power.filter((p) => !p.ok).length;
  const powerNote = power.length > 0 ? `; power: ${weak === 0 ? 'every test strong' : `${plural(weak, 'weak test')}`}` : '';
  return `gradprop ${command}: ${verdict} — ${counts}${unloaded}${powerNote} in ${time(durationMs)} (seed ${options.seed})`;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
