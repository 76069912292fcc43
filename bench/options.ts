/**
 * The benchmark's knobs, from the environment and the command line. They shape the load only;
 * the gateway's own settings are its environment (bench/servers.ts).
 */
export interface BenchOptions {
  /** Measured seconds per throughput scenario (wrk takes whole seconds). @default 5 (BENCH_DURATION_S) */
  durationS: number;
  /** Unmeasured seconds of the same load before each measurement; 3× the first time. @default 1 (BENCH_WARMUP_S) */
  warmupS: number;
  /** Times the throughput pairs and coalescing run; figures are medians over rounds. @default 3 (BENCH_ROUNDS) */
  rounds: number;
  /** Connections of the closed-loop scenarios. @default 50 (BENCH_CONNECTIONS) */
  connections: number;
  /** Seconds of each smoothing burst. @default 10 (BENCH_SMOOTHING_S) */
  smoothingS: number;
  /** @default redis://127.0.0.1:6379 (REDIS_URL) */
  redisUrl: string;
  /** The gateways' LOG_LEVEL: `info`, as in production, writes a line per request. @default info (BENCH_LOG_LEVEL) */
  logLevel: string;
  /** Only these groups (BENCH_ONLY=ceilings,hit,miss,coalescing,login,smoothing). @default all */
  only: ReadonlySet<Group> | undefined;
  /** BENCH_LOAD=autocannon forces the fallback load generator even where wrk is installed. */
  forceAutocannon: boolean;
  /** `--profile[=hit|miss]`: one CPU profile of the gateway instead of the table. */
  profile: 'hit' | 'miss' | undefined;
}

export const GROUPS = ['ceilings', 'hit', 'miss', 'coalescing', 'login', 'smoothing'] as const;
export type Group = (typeof GROUPS)[number];

export function readOptions(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv.slice(2),
): BenchOptions {
  const only = env['BENCH_ONLY']?.split(',').map((s) => s.trim());
  const unknown = only?.filter((g) => !(GROUPS as readonly string[]).includes(g)) ?? [];
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')} (known: ${GROUPS.join(', ')})`);
  const profileArg = argv.find((a) => a === '--profile' || a.startsWith('--profile='));
  const profile = profileArg === undefined ? undefined : profileArg.endsWith('=miss') ? 'miss' : 'hit';
  return {
    durationS: whole(env, 'BENCH_DURATION_S', 5),
    warmupS: whole(env, 'BENCH_WARMUP_S', 1),
    rounds: whole(env, 'BENCH_ROUNDS', 3),
    connections: whole(env, 'BENCH_CONNECTIONS', 50),
    smoothingS: whole(env, 'BENCH_SMOOTHING_S', 10),
    redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    logLevel: env['BENCH_LOG_LEVEL'] ?? 'info',
    only: only === undefined ? undefined : new Set(only as Group[]),
    forceAutocannon: env['BENCH_LOAD'] === 'autocannon',
    profile,
  };
}

export function runs(options: BenchOptions, group: Group): boolean {
  return options.only === undefined || options.only.has(group);
}

function whole(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}
