/** The human report on stdout: the summary table, what was skipped, each failure in full, one closing line. */
import type { LawResult, RunResult, TargetResult } from './json.js';
import { LAW_VERDICTS, type LawVerdict, lawVerdicts } from './verdicts.js';

type Paint = (text: string) => string;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

function palette(colour: boolean): Record<'red' | 'green' | 'yellow' | 'dim' | 'bold', Paint> {
  const sgr = (code: number): Paint => (colour ? (text) => `\x1b[${code}m${text}\x1b[0m` : (text) => text);
  return { red: sgr(31), green: sgr(32), yellow: sgr(33), dim: sgr(2), bold: sgr(1) };
}

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
  const failures = result.targets.flatMap((t) => t.laws.filter((l) => !LAW_VERDICTS[l.verdict].ok).map((l) => ({ t, l })));
  if (failures.length > 0) {
    sections.push([paint.red(paint.bold('failures:')), ...failures.map(({ t, l }) => `\n${paint.red('✗')} ${t.id} — ${l.law}\n${indent(failureText(l))}`)].join('\n'));
  }
  if (result.power.length > 0) sections.push(result.power.map((p) => p.text).join('\n\n'));
  sections.push(closing(result, paint));
  const text = `${sections.join('\n\n')}\n`;
  // A target's own error message may carry colour codes; without colour, none get through.
  return colour ? text : text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

function header({ command, modules, options, summary, targets }: RunResult): string {
  const what = command === 'check' ? `check ${modules.join(' ')}` : 'verify';
  const scope = [options.filter && `--filter ${options.filter}`, options.law && `--law ${options.law}`, options.shard && `--shard ${options.shard}`, options.path && `--path ${options.path}`].filter(Boolean);
  const fixed = targets.some((t) => t.fixedInputs) ? ' (1 at fixed inputs)' : '';
  return `gradprop ${what}: ${plural(summary.targets, 'target')}, ${plural(summary.laws, 'law')}, seed ${options.seed}, ${plural(options.runs, 'case')} per law${fixed}, ${options.mode} mode${options.order === 2 ? ', order 2' : ''}${scope.length ? ` (${scope.join(', ')})` : ''}`;
}

function table(result: RunResult, paint: ReturnType<typeof palette>): string {
  const head = ['target', 'law', 'cases', 'verdict', 'worst rel err', 'evaluations f/vjp/jvp', 'time'];
  const rows: { cells: string[]; verdict: LawVerdict }[] = result.targets.flatMap((t: TargetResult) =>
    t.verdict === 'error'
      ? [{ cells: [t.id, '—', '0', LAW_VERDICTS.error.label, '·', '·', '·'], verdict: 'error' as const }]
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
  const ran = l.verdict !== 'skipped';
  const cases = ran && t.fixedInputs ? `${l.cases} fixed` : String(l.cases);
  return [t.id, l.law, cases, LAW_VERDICTS[l.verdict].label, l.worst ? short(l.worst.relError) : '·', ran ? `${e.forward}/${e.vjp}/${e.jvp}` : '·', ran ? time(l.timeMs) : '·'];
}

function colourOf(verdict: LawVerdict, paint: ReturnType<typeof palette>): Paint {
  return paint[LAW_VERDICTS[verdict].colour];
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

/**
 * The summary line: the laws by verdict, then what was not a law — targets that could not be
 * checked, module errors, skipped exports. JUnit's totals are these, added up.
 */
function closing({ command, summary, power, exitCode, durationMs, options }: RunResult, paint: ReturnType<typeof palette>): string {
  const verdict = exitCode === 0 ? paint.green('PASS') : paint.red('FAIL');
  const counts = lawVerdicts
    .filter((v) => LAW_VERDICTS[v].always || summary.verdicts[v] > 0)
    .map((v) => `${summary.verdicts[v]} ${LAW_VERDICTS[v].counted[summary.verdicts[v] === 1 ? 0 : 1]}`);
  const weak = power.filter((p) => !p.ok).length;
  const others = [
    summary.uncheckable > 0 && `${plural(summary.uncheckable, 'target')} could not be checked`,
    summary.moduleErrors > 0 && plural(summary.moduleErrors, 'module error'),
    summary.skippedExports > 0 && `${plural(summary.skippedExports, 'export')} skipped`,
    power.length > 0 && `power: ${weak === 0 ? 'every test strong' : plural(weak, 'weak test')}`,
  ].filter(Boolean);
  const laws = `${plural(summary.laws, 'law')} on ${plural(summary.targets, 'target')}: ${counts.join(', ')}`;
  return `gradprop ${command}: ${verdict} — ${[laws, ...others].join('; ')} — ${time(durationMs)}, seed ${options.seed}`;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
