import type { RoundResult } from './measurement.js';
import { maxGatewayRss, type Summary } from './summary.js';

export interface TargetResult {
  target: string;
  actual: string;
  /** null: not measured in this run. */
  pass: boolean | null;
}

/** The targets, judged on this run's numbers. A report, not an assertion. */
export function judgeTargets(summary: Summary, rounds: RoundResult[]): TargetResult[] {
  const ratio = (name: string) => summary.ratios.find((r) => r.name === name)?.median;
  const row = (key: string) => summary.scenarios.find((s) => s.scenario === key);
  const everyRound = (key: keyof RoundResult, extra: string): number[] =>
    rounds.flatMap((r) => {
      const v = r[key]?.extra?.[extra];
      return typeof v === 'number' ? [v] : [];
    });
  const judge = (
    target: string,
    actual: number[] | number | undefined,
    ok: (v: number) => boolean,
    unit = '',
  ): TargetResult => {
    const values = actual === undefined ? [] : Array.isArray(actual) ? actual : [actual];
    if (values.length === 0) return { target, actual: 'not measured', pass: null };
    return { target, actual: values.map((v) => `${v}${unit}`).join(', '), pass: values.every(ok) };
  };
  const rss = maxGatewayRss(rounds);
  const rssWithoutLogins = maxGatewayRss(rounds, ['login', 'hitDuringLogin']);

  return [
    judge('HIT ≥ 0.6 × A', ratio('HIT ÷ A (req/s)'), (v) => v >= 0.6, ' ×'),
    judge('HIT p99 ≤ 10 ms at 50 connections', row('HIT')?.p99, (v) => v <= 10, ' ms'),
    judge('MISS ≥ 0.8 × C', ratio('MISS ÷ C (req/s)'), (v) => v >= 0.8, ' ×'),
    judge('MISS p50 − B p50 ≤ 1 ms', ratio('MISS p50 − B p50 (ms)'), (v) => v <= 1, ' ms'),
    judge(
      'coalescing: exactly 1 upstream call (each round)',
      everyRound('coalescing', 'upstreamCalls'),
      (v) => v === 1,
    ),
    judge(
      'smoothing: max 1-s window ≤ UPSTREAM_RPS + UPSTREAM_BURST (each round)',
      everyRound('smoothing', 'maxUpstreamIn1s'),
      (v) => v <= (everyRound('smoothing', 'windowLimit')[0] ?? 0),
    ),
    judge('smoothing: 0 upstream 429s (each round)', everyRound('smoothing', 'upstream429s'), (v) => v === 0),
    judge(
      'passthrough contrast: upstream 429s > 0 (each round)',
      everyRound('passthrough', 'upstream429s'),
      (v) => v > 0,
    ),
    judge(
      'gateway RSS ≤ 150 MB throughout',
      rss === undefined ? undefined : Math.round(rss),
      (v) => v <= 150,
      ' MB',
    ),
    // Each production scrypt hash (N=2^17, r=8) holds 128 MiB while it runs: logins alone decide
    // the line above, so this one shows the rest.
    judge(
      'gateway RSS ≤ 150 MB outside the login scenario',
      rssWithoutLogins === undefined ? undefined : Math.round(rssWithoutLogins),
      (v) => v <= 150,
      ' MB',
    ),
  ];
}
