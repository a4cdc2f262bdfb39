import type { Comparison, GradCheckReport } from './report.js';

const num = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(8) : x.toExponential(6));
const short = (x: number) => (x === 0 ? '0' : x.toExponential(1));

/** Where a comparison was made, in words: "input 0 at [2, 1]" or "a random projection". */
export function describeWhere(c: Comparison): string {
  if (c.input === null) return `a random projection ⟨v, J u⟩`;
  const output = c.output ? `, output ${c.output.length ? `[${c.output.join(', ')}]` : '(scalar)'}` : '';
  return `input ${c.input} at [${c.index.join(', ')}]${output}`;
}

/** One comparison in a sentence: which entry, analytic against numeric, the error and the tolerance. */
export function describeComparison(c: Comparison): string {
  const what = c.quantity === 'duality' ? 'jvp and vjp disagree (duality)' : `${c.quantity} wrong`;
  const kink = c.oneSided ? `; one-sided derivatives [${num(c.oneSided[0])}, ${num(c.oneSided[1])}]` : '';
  const names = c.quantity === 'duality' ? ['jvp', 'vjp'] : ['analytic', 'numeric'];
  return (
    `${c.verdict === 'nonsmooth' ? 'kink' : what} at ${describeWhere(c)}: ${names[0]} ${num(c.analytic)}, ${names[1]} ${num(c.numeric)} ` +
    `(abs error ${short(c.absError)}, rel error ${short(c.relError)}, tolerance ${short(c.tolerance)}${kink})`
  );
}

const columns = ['input', 'index', 'output', 'quantity', 'analytic', 'numeric', 'abs err', 'rel err', 'tolerance', 'verdict'];

function row(c: Comparison): string[] {
  return [
    c.input === null ? 'probe' : String(c.input),
    c.input === null ? '·' : `[${c.index.join(',')}]`,
    c.output ? `[${c.output.join(',')}]` : 'v',
    c.quantity,
    num(c.analytic),
    num(c.numeric),
    short(c.absError),
    short(c.relError),
    short(c.tolerance),
    c.verdict === 'nonsmooth' ? 'KINK' : c.verdict === 'fail' ? 'FAIL' : c.unconfirmed ? 'ok (no entry)' : 'ok',
  ];
}

/** A report as a table a person can find the bug from: the verdict, then the worst entries. */
export function formatReport(report: GradCheckReport, maxRows = 10): string {
  const arithmetic = report.precision === 'float32' ? ', float32 arithmetic' : '';
  const lines = [`gradcheck ${report.target}: ${report.verdict.toUpperCase()} (${report.mode} mode, seed ${report.seed}${arithmetic})`, report.message];
  const shown = report.mismatches.length > 0 ? report.mismatches.slice(0, maxRows) : report.worst ? [report.worst] : [];
  if (shown.length > 0) {
    const table = [columns, ...shown.map(row)];
    const widths = columns.map((_, j) => Math.max(...table.map((r) => r[j]!.length)));
    lines.push('', ...table.map((r) => '  ' + r.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd()));
    if (report.mismatches.length > shown.length) lines.push(`  … and ${report.mismatches.length - shown.length} more`);
    lines.push('  (output v: projected on a random cotangent v; probe: along a random direction u)');
  }
  const e = report.evaluations;
  lines.push('', `evaluations: forward ${e.forward}, vjp ${e.vjp}, jvp ${e.jvp}`);
  return lines.join('\n');
}
