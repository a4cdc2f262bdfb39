import type { Comparison, GradCheckReport } from './report.js';

const num = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(8) : x.toExponential(6));
const short = (x: number) => (x === 0 ? '0' : x.toExponential(1));

/** Where a comparison was made, in words: "input 0 at [2, 1]" or "a random projection". */
export function describeWhere(c: Comparison): string {
  if (c.input === null) return `a random projection ⟨v, J u⟩`;
  const output = c.output ? `, output ${c.output.length ? `[${c.output.join(', ')}]` : '(scalar)'}` : '';
  return `input ${c.input} at [${c.index.join(', ')}]${output}`;
}

/** What each quantity compares, and the names of its two values. */
const compared: Record<Comparison['quantity'], { wrong: string; names: [string, string] }> = {
  vjp: { wrong: 'vjp wrong', names: ['analytic', 'numeric'] },
  jvp: { wrong: 'jvp wrong', names: ['analytic', 'numeric'] },
  duality: { wrong: 'jvp and vjp disagree (duality)', names: ['jvp', 'vjp'] },
  'vjp linearity': { wrong: 'vjp not linear in the cotangent', names: ['vjp(a·v₁ + b·v₂)', 'a·vjp(v₁) + b·vjp(v₂)'] },
  'jvp linearity': { wrong: 'jvp not linear in the tangent', names: ['jvp(a·u₁ + b·u₂)', 'a·jvp(u₁) + b·jvp(u₂)'] },
};

/** One comparison in a sentence: which entry, analytic against numeric, the error and the tolerance. */
export function describeComparison(c: Comparison): string {
  const { wrong, names } = compared[c.quantity];
  const what = c.verdict === 'nonsmooth' ? (c.jump !== undefined ? 'jump' : 'kink') : c.verdict === 'inconclusive' ? c.verdict : wrong;
  const jump = c.jump !== undefined ? `; the value jumps by ${num(c.jump)} across the input` : '';
  const sides = c.oneSided ? `; one-sided derivatives [${num(c.oneSided[0])}, ${num(c.oneSided[1])}]` : '';
  return (
    `${what} at ${describeWhere(c)}: ${names[0]} ${num(c.analytic)}, ${names[1]} ${num(c.numeric)} ` +
    `(abs error ${short(c.absError)}, rel error ${short(c.relError)}, tolerance ${short(c.tolerance)}${sides}${jump}${significance(c)})`
  );
}

/** A statistical comparison's test in words: how many standard errors, of what size, read from how many samples. */
function significance({ statistics: s }: Comparison): string {
  if (!s) return '';
  if (s.misfit) return `; ${s.misfit}`;
  return `; ${s.z > 0 ? `${s.z.toFixed(1)} standard errors beyond the rounding allowed` : 'within the rounding allowed'} (standard error ${short(s.standardError)}, from ${s.samples} samples on ±${s.halfWidth} of each entry's scale; failing takes ${s.threshold})`;
}

const VERDICTS = { fail: 'FAIL', nonsmooth: 'KINK', jump: 'JUMP', inconclusive: 'INCONCLUSIVE', agree: 'ok' } as const;

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
    c.unconfirmed ? 'ok (no entry)' : VERDICTS[c.verdict === 'nonsmooth' && c.jump !== undefined ? 'jump' : c.verdict],
  ];
}

/** A report as a table a person can find the bug from: the verdict, then the worst entries. */
export function formatReport(report: GradCheckReport, maxRows = 10): string {
  const noisy = report.method === 'statistical' && report.noise !== undefined ? `, judged statistically at measured noise ${short(report.noise)}` : report.method === 'statistical' ? ', judged statistically' : '';
  const arithmetic = (report.precision === 'float32' ? ', float32 arithmetic' : '') + noisy;
  const order = report.order === undefined ? '' : `, order ${report.order}`;
  const lines = [`gradcheck ${report.target}: ${report.verdict.toUpperCase()} (${report.mode} mode${order}, seed ${report.seed}${arithmetic})`, report.message];
  const shown = report.mismatches.length > 0 ? report.mismatches.slice(0, maxRows) : report.worst ? [report.worst] : [];
  if (shown.length > 0) {
    const table = [columns, ...shown.map(row)];
    const widths = columns.map((_, j) => Math.max(...table.map((r) => r[j]!.length)));
    lines.push('', ...table.map((r) => '  ' + r.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd()));
    if (report.mismatches.length > shown.length) lines.push(`  … and ${report.mismatches.length - shown.length} more`);
    lines.push('  (output v: projected on a random cotangent v; probe: along a random direction u)');
  }
  const e = report.evaluations;
  const secondOrder = e.secondOrder === undefined ? '' : `, second-order rule ${e.secondOrder}`;
  lines.push('', `evaluations: forward ${e.forward}, vjp ${e.vjp}, jvp ${e.jvp}${secondOrder}`);
  return lines.join('\n');
}
