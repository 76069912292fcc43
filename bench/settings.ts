/**
 * The benchmark's knobs, read once from the environment (the gateway's own config stays in
 * src/config.ts; these only shape the load). Defaults give a full run in about 3 minutes on 2 cores.
 */
export interface BenchSettings {
  /** Measured seconds per throughput scenario. @default 5 (BENCH_DURATION_S) */
  durationS: number;
  /** Unmeasured seconds of the same load before each measurement. @default 1 (BENCH_WARMUP_S) */
  warmupS: number;
  /** Times the whole sequence runs; every ratio is the median over rounds. @default 2 (BENCH_ROUNDS) */
  rounds: number;
  /** Concurrent connections of the closed-loop scenarios. @default 50 */
  connections: number;
  /** Seconds of each smoothing burst. @default 2 × durationS, i.e. 10 (BENCH_SMOOTHING_S) */
  smoothingS: number;
  /** @default redis://127.0.0.1:6379 (REDIS_URL) */
  redisUrl: string;
  /** The gateway's LOG_LEVEL; `info` (the production default) writes one line per request. @default info */
  gatewayLogLevel: string;
  /**
   * How the servers under test run: `js` = transpiled once to plain JavaScript and run with `node`
   * (as production runs dist/), `tsx` = from source under `node --import tsx` (about 25 MB more RSS
   * each). @default js (BENCH_CHILD_RUNTIME)
   */
  childRuntime: 'js' | 'tsx';
  /** Shows the children's stdout (the gateway's log lines). @default false (BENCH_CHILD_LOGS=1) */
  childLogs: boolean;
  /** Only these scenario groups (comma list of ceilings,hit,miss,coalescing,login,smoothing). @default all */
  only: ReadonlySet<string> | undefined;
}

export const SCENARIO_GROUPS = ['ceilings', 'hit', 'miss', 'coalescing', 'login', 'smoothing'] as const;
export type ScenarioGroup = (typeof SCENARIO_GROUPS)[number];

export function readSettings(env: Record<string, string | undefined> = process.env): BenchSettings {
  const durationS = positive(env, 'BENCH_DURATION_S', 5);
  const only = env['BENCH_ONLY']?.trim();
  return {
    durationS,
    warmupS: positive(env, 'BENCH_WARMUP_S', Math.min(1, durationS)),
    rounds: Math.max(1, Math.round(positive(env, 'BENCH_ROUNDS', 2))),
    connections: 50,
    smoothingS: positive(env, 'BENCH_SMOOTHING_S', 2 * durationS),
    redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    gatewayLogLevel: env['BENCH_LOG_LEVEL'] ?? 'info',
    childRuntime: env['BENCH_CHILD_RUNTIME'] === 'tsx' ? 'tsx' : 'js',
    childLogs: env['BENCH_CHILD_LOGS'] === '1',
    only: only ? new Set(only.split(',').map((s) => s.trim())) : undefined,
  };
}

export function runs(settings: BenchSettings, group: ScenarioGroup): boolean {
  return settings.only === undefined || settings.only.has(group);
}

function positive(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}
