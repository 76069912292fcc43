/** One scenario's numbers from one round. Latencies in ms, RSS of the process under test in MB. */
export interface Measurement {
  scenario: ScenarioKey;
  /** Successful (2xx) answers per second; NaN where throughput means nothing (coalescing). */
  rps: number;
  p50: number;
  p99: number;
  rssMb: number;
  /** CPU time the process under test spent per answered request, µs (Linux only). */
  cpuUsPerRequest?: number;
  /** Non-2xx answers by status, and connection errors. */
  notOk: Record<string, number>;
  errors: number;
  /** Scenario-specific numbers (upstream calls, 429s, …). */
  extra?: Record<string, number | string | Record<string, number>>;
}

export const SCENARIOS = {
  A: 'ceiling A: bare Hono, c.json',
  HIT: 'gateway HIT',
  B: 'ceiling B: simulator direct',
  C: 'ceiling C: Hono + undici proxy',
  MISS: 'gateway MISS (bypass)',
  B1: 'ceiling B, 1 connection',
  MISS1: 'gateway MISS, 1 connection',
  B20: 'ceiling B, 20 ms upstream',
  C20: 'ceiling C, 20 ms upstream',
  MISS20: 'gateway MISS, 20 ms upstream',
  coalescing: 'coalescing: 200 on 1 cold page',
  login: 'login, production scrypt',
  hitDuringLogin: 'gateway HIT during logins',
  smoothing: 'smoothing: 10x UPSTREAM_RPS',
  passthrough: 'passthrough: same burst',
} as const;

export type ScenarioKey = keyof typeof SCENARIOS;

/** Which process the RSS column is of. */
export const GATEWAY_SCENARIOS: readonly ScenarioKey[] = [
  'HIT',
  'MISS',
  'MISS1',
  'MISS20',
  'coalescing',
  'login',
  'hitDuringLogin',
  'smoothing',
  'passthrough',
];

export type RoundResult = Partial<Record<ScenarioKey, Measurement>>;
