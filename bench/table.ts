import type { Summary } from './summary.js';
import type { TargetResult } from './targets.js';

/** The run as text: the scenario table, the ratios, the targets. */
export function formatReport(summary: Summary, targets: TargetResult[], problems: string[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB', 'CPU µs/req', 'not 2xx', 'notes'];
  const rows = summary.scenarios.map((s) => [
    s.label,
    Number.isFinite(s.rps) ? String(s.rps) : '–',
    s.p50.toFixed(2),
    s.p99.toFixed(2),
    String(s.rssMb),
    Number.isFinite(s.cpuUsPerRequest) ? String(s.cpuUsPerRequest) : '–',
    String(s.notOk),
    s.notes,
  ]);
  const lines = [...table(header, rows, [false, true, true, true, true, true, true, false]), ''];
  lines.push('ratios (median of rounds; each round a pair measured back to back):');
  for (const r of summary.ratios)
    lines.push(`  ${r.name.padEnd(38)} ${String(r.median).padStart(8)}   rounds: ${r.perRound.join(', ')}`);
  lines.push('', 'targets:');
  for (const t of targets) {
    const mark = t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL';
    lines.push(`  ${mark}  ${t.target.padEnd(72)} ${t.actual}`);
  }
  if (problems.length > 0) lines.push('', 'problems:', ...problems.map((p) => `  ${p}`));
  return lines.join('\n');
}

/** Markdown-compatible pipe table, padded for the terminal. */
function table(header: string[], rows: string[][], right: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}
