import {
  GATEWAY_SCENARIOS,
  SCENARIOS,
  type Measurement,
  type RoundResult,
  type ScenarioKey,
} from './measurement.js';
import { median, round } from './stats.js';

export interface ScenarioSummary {
  scenario: ScenarioKey;
  label: string;
  rounds: number;
  /** Medians over rounds. */
  rps: number;
  p50: number;
  p99: number;
  /** Highest over rounds. */
  rssMb: number;
  /** Median over rounds; NaN where not measured. */
  cpuUsPerRequest: number;
  notOk: number;
  notes: string;
}

export interface Ratio {
  name: string;
  perRound: number[];
  median: number;
}

export interface Summary {
  scenarios: ScenarioSummary[];
  ratios: Ratio[];
}

export function summarise(rounds: RoundResult[]): Summary {
  const scenarios: ScenarioSummary[] = [];
  for (const key of Object.keys(SCENARIOS) as ScenarioKey[]) {
    const ms = rounds.flatMap((r) => (r[key] ? [r[key]] : []));
    if (ms.length === 0) continue;
    scenarios.push({
      scenario: key,
      label: SCENARIOS[key],
      rounds: ms.length,
      rps: round(median(ms.map((m) => m.rps)), 0),
      p50: round(median(ms.map((m) => m.p50))),
      p99: round(median(ms.map((m) => m.p99))),
      rssMb: round(Math.max(...ms.map((m) => m.rssMb)), 0),
      cpuUsPerRequest: round(median(ms.map((m) => m.cpuUsPerRequest ?? Number.NaN)), 0),
      notOk: ms.reduce((n, m) => n + m.errors + Object.values(m.notOk).reduce((a, b) => a + b, 0), 0),
      notes: notesOf(key, ms),
    });
  }
  const ratio = (name: string, of: (r: RoundResult) => number | undefined): Ratio | undefined => {
    const perRound = rounds.map(of).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return perRound.length === 0
      ? undefined
      : { name, perRound: perRound.map((v) => round(v, 3)), median: round(median(perRound), 3) };
  };
  const ratios = [
    ratio('HIT ÷ A (req/s)', (r) => div(r.HIT?.rps, r.A?.rps)),
    ratio('A ÷ HIT (CPU µs per request)', (r) => div(r.A?.cpuUsPerRequest, r.HIT?.cpuUsPerRequest)),
    ratio('MISS ÷ C (req/s)', (r) => div(r.MISS?.rps, r.C?.rps)),
    ratio('C ÷ MISS (CPU µs per request)', (r) => div(r.C?.cpuUsPerRequest, r.MISS?.cpuUsPerRequest)),
    ratio('MISS p50 − B p50 (ms)', (r) => sub(r.MISS?.p50, r.B?.p50)),
    ratio('MISS p50 − B p50, 1 connection (ms)', (r) => sub(r.MISS1?.p50, r.B1?.p50)),
    ratio('MISS ÷ C at 20 ms (req/s)', (r) => div(r.MISS20?.rps, r.C20?.rps)),
    ratio('MISS p50 − B p50 at 20 ms (ms)', (r) => sub(r.MISS20?.p50, r.B20?.p50)),
  ].filter((r): r is Ratio => r !== undefined);
  return { scenarios, ratios };
}

/** The highest RSS any gateway process reached in any scenario (but `except`). */
export function maxGatewayRss(rounds: RoundResult[], except: ScenarioKey[] = []): number | undefined {
  const keys = GATEWAY_SCENARIOS.filter((k) => !except.includes(k));
  const values = rounds.flatMap((r) => keys.flatMap((k) => (r[k] ? [r[k].rssMb] : [])));
  return values.length === 0 ? undefined : Math.max(...values);
}

function notesOf(key: ScenarioKey, ms: Measurement[]): string {
  const each = (name: string) => ms.map((m) => m.extra?.[name]).filter((v) => v !== undefined);
  const list = (name: string) => each(name).map(String).join('/');
  const heap = () => {
    const used = list('heapUsedMb').split('/');
    const total = list('heapTotalMb').split('/');
    return `V8 heap used/total MB ${used.map((u, i) => `${u}/${total[i] ?? '?'}`).join(', ')}`;
  };
  switch (key) {
    case 'HIT':
      return `X-Cache ${[...new Set(each('xCacheAfter').map(String))].join('/')}; ${heap()}`;
    case 'MISS':
    case 'MISS1':
    case 'MISS20':
      return heap();
    case 'coalescing':
      return `upstream calls ${list('upstreamCalls')}; X-Cache ${ms
        .map((m) => JSON.stringify(m.extra?.['byCache'] ?? {}).replace(/["{}]/g, ''))
        .join(' / ')}`;
    case 'smoothing':
    case 'passthrough':
      return (
        `max 1-s upstream ${list('maxUpstreamIn1s')} (limit ${list('windowLimit').split('/')[0] ?? ''}), ` +
        `upstream 429 ${list('upstream429s')}, client 429 ${list('client429s')}, offered ${list('offeredRps').split('/')[0] ?? ''}/s`
      );
    case 'login':
      return 'req/s = logins/s';
    default:
      return '';
  }
}

function div(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

function sub(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}
