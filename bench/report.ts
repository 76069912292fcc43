import { SCENARIOS, type Row, type ScenarioKey } from './measure.js';

/** A scenario over its rounds: medians, except the RSS, the highest. */
export type ScenarioSummary = Omit<Row, 'round' | 'extra'> & { label: string; rounds: number };

export interface Ratio {
  name: string;
  median: number;
  perRound: number[];
}

export interface Target {
  target: string;
  actual: string;
  /** null: not measured in this run. */
  pass: boolean | null;
}

export function summarise(rows: readonly Row[]): ScenarioSummary[] {
  return (Object.keys(SCENARIOS) as ScenarioKey[]).flatMap((scenario) => {
    const of = rows.filter((r) => r.scenario === scenario);
    if (of.length === 0) return [];
    const med = (pick: (r: Row) => number | null) => median(of.map(pick));
    return [
      {
        scenario,
        label: SCENARIOS[scenario],
        rounds: of.length,
        rps: med((r) => r.rps),
        p50Ms: med((r) => r.p50Ms) ?? Number.NaN,
        p99Ms: med((r) => r.p99Ms) ?? Number.NaN,
        peakRssMb: Math.max(...of.map((r) => r.peakRssMb)),
        cpuUsPerRequest: med((r) => r.cpuUsPerRequest),
        redisUsPerRequest: med((r) => r.redisUsPerRequest),
        notOk: of.reduce((n, r) => n + r.notOk, 0),
        notes: [...new Set(of.map((r) => r.notes))].filter((n) => n !== '').join(' / '),
      },
    ];
  });
}

/** Each round's pair was measured back to back; the ratio is the median over rounds. */
export function ratios(rows: readonly Row[]): Ratio[] {
  const roundsOf = [...new Set(rows.map((r) => r.round))];
  const ratio = (name: string, a: ScenarioKey, b: ScenarioKey, pick: (r: Row) => number | null) => {
    const perRound = roundsOf.flatMap((round) => {
      const x = rows.find((r) => r.round === round && r.scenario === a);
      const y = rows.find((r) => r.round === round && r.scenario === b);
      const vx = x && pick(x);
      const vy = y && pick(y);
      return typeof vx === 'number' && typeof vy === 'number' && vy > 0 ? [vx / vy] : [];
    });
    const m = median(perRound);
    return m === null ? [] : [{ name, median: round(m, 3), perRound: perRound.map((v) => round(v, 3)) }];
  };
  return [
    ...ratio('HIT ÷ A, req/s', 'HIT', 'A', (r) => r.rps),
    ...ratio('MISS ÷ C, req/s', 'MISS', 'C', (r) => r.rps),
    ...ratio('HIT ÷ A, CPU µs per request', 'HIT', 'A', (r) => r.cpuUsPerRequest),
    ...ratio('MISS ÷ C, CPU µs per request', 'MISS', 'C', (r) => r.cpuUsPerRequest),
  ];
}

/** Issue 12's targets, judged on this run. A report, not an assertion. */
export function judge(
  summary: readonly ScenarioSummary[],
  rows: readonly Row[],
  found: readonly Ratio[],
): Target[] {
  const ratio = (name: string) => found.find((r) => r.name === name)?.median;
  const extras = (scenario: ScenarioKey, name: string) =>
    rows.flatMap((r) => (r.scenario === scenario && r.extra?.[name] !== undefined ? [r.extra[name]] : []));
  const check = (
    target: string,
    values: readonly (number | undefined)[],
    ok: (v: number) => boolean,
    unit = '',
    digits = 3,
  ) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length === 0
      ? { target, actual: 'not measured', pass: null }
      : { target, actual: known.map((v) => `${round(v, digits)}${unit}`).join(', '), pass: known.every(ok) };
  };
  const hit = summary.find((s) => s.scenario === 'HIT');
  const loadRss = summary
    .filter((s) => s.scenario === 'HIT' || s.scenario === 'MISS')
    .map((s) => s.peakRssMb);
  const windowLimit = extras('smoothing', 'windowLimit')[0] ?? 0;
  return [
    check('HIT ≥ 0.45 × A req/s', [ratio('HIT ÷ A, req/s')], (v) => v >= 0.45, ' ×'),
    check('HIT ≥ 0.6 × A req/s (stretch)', [ratio('HIT ÷ A, req/s')], (v) => v >= 0.6, ' ×'),
    check('HIT p99 ≤ 10 ms at 50 connections', [hit?.p99Ms], (v) => v <= 10, ' ms', 2),
    check('MISS ≥ 0.4 × C req/s', [ratio('MISS ÷ C, req/s')], (v) => v >= 0.4, ' ×'),
    check('MISS ≥ 0.5 × C req/s (stretch)', [ratio('MISS ÷ C, req/s')], (v) => v >= 0.5, ' ×'),
    check(
      'peak gateway RSS during HIT and MISS ≤ 150 MB',
      [loadRss.length ? Math.max(...loadRss) : undefined],
      (v) => v <= 150,
      ' MB',
      0,
    ),
    check(
      'coalescing: exactly 1 vendor call (each round)',
      extras('coalescing', 'upstreamCalls'),
      (v) => v === 1,
    ),
    check(
      'smoothing: max 1-s window ≤ UPSTREAM_RPS + UPSTREAM_BURST',
      extras('smoothing', 'maxIn1s'),
      (v) => v <= windowLimit,
    ),
    check('smoothing: 0 vendor 429s', extras('smoothing', 'upstream429s'), (v) => v === 0),
    check('passthrough contrast: vendor 429s > 0', extras('passthrough', 'upstream429s'), (v) => v > 0),
  ];
}

/** The run as text: a Markdown pipe table, the ratios, the targets. */
export function formatReport(
  summary: readonly ScenarioSummary[],
  found: readonly Ratio[],
  targets: readonly Target[],
): string {
  const num = (v: number | null, digits = 0) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'peak RSS MB',
    'CPU µs/req',
    'Redis µs/req',
    'not 2xx',
    'notes',
  ];
  const rows = summary.map((s) => [
    s.label,
    num(s.rps),
    num(s.p50Ms, 2),
    num(s.p99Ms, 2),
    num(s.peakRssMb),
    num(s.cpuUsPerRequest),
    num(s.redisUsPerRequest),
    String(s.notOk),
    s.notes,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = (i: number) => i > 0 && i < header.length - 1;
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [
    line(header),
    rule,
    ...rows.map(line),
    '',
    'ratios (median over rounds; each round a pair measured back to back):',
    ...found.map(
      (r) => `  ${r.name.padEnd(30)} ${String(r.median).padStart(7)}   rounds: ${r.perRound.join(', ')}`,
    ),
    '',
    'targets:',
    ...targets.map(
      (t) => `  ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.target.padEnd(58)} ${t.actual}`,
    ),
  ].join('\n');
}

function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  const hi = known[mid] ?? 0;
  return known.length % 2 === 1 ? hi : ((known[mid - 1] ?? hi) + hi) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
