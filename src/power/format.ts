import type { PowerReport } from './report.js';

/** A power report as a table of the planted bugs and a list of weaknesses. */
export function formatPowerReport(report: PowerReport): string {
  const verdict = report.ok ? 'STRONG' : `WEAK (${report.weaknesses.length} weakness${report.weaknesses.length === 1 ? '' : 'es'})`;
  const lines = [`power of the gradient test of ${report.target}: ${verdict}`];
  if (report.perturbations.length > 0) {
    const rows = [
      ['planted bug', 'caught', 'at case'],
      ...report.perturbations.map((p) => [p.name, !p.applicable && !p.caught ? 'n/a' : p.caught ? 'yes' : 'MISSED', p.casesToCatch?.toString() ?? '·']),
    ];
    const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
    lines.push('', ...rows.map((r) => '  ' + r.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd()));
    lines.push('  (n/a: no case offered a place for it — no square gradient, no repeated id, no two inputs of one shape)');
  }
  if (report.weaknesses.length > 0) lines.push('', 'weaknesses:', ...report.weaknesses.map((w) => `  - ${w}`));
  return lines.join('\n');
}
