import type { Redis } from 'ioredis';
import type { LoadGenerator, LoadSpec } from './load.js';
import type { BenchOptions } from './options.js';
import { cpuUs, redisCpuUs, sampleRss } from './probes.js';

export const SCENARIOS = {
  A: 'ceiling A: bare Hono, same page',
  HIT: 'gateway HIT',
  B: 'ceiling B: simulator direct',
  C: 'ceiling C: Hono + undici proxy',
  MISS: 'gateway MISS (no-cache)',
  coalescing: 'coalescing: 200 on 1 cold page',
  login: 'login, production scrypt',
  hitDuringLogin: 'gateway HIT during logins',
  smoothing: 'smoothing: 10× UPSTREAM_RPS',
  passthrough: 'passthrough: same burst',
} as const;
export type ScenarioKey = keyof typeof SCENARIOS;

/** One scenario's figures from one round. */
export interface Row {
  scenario: ScenarioKey;
  round: number;
  /** Answers below 400 per second; null where throughput means nothing (coalescing). */
  rps: number | null;
  p50Ms: number;
  p99Ms: number;
  /** Highest RSS of the process under test while the load ran. */
  peakRssMb: number;
  /** CPU of the process under test per answered request. */
  cpuUsPerRequest: number | null;
  /** Redis CPU per answered request (gateway scenarios). */
  redisUsPerRequest: number | null;
  /** Answers of 400 and above, and socket errors. */
  notOk: number;
  notes: string;
  /** Figures the targets are judged on (upstream calls, 429s, …). */
  extra?: Record<string, number>;
}

/** What every scenario needs: the knobs, the load generator, a Redis connection for INFO. */
export interface Bench {
  options: BenchOptions;
  load: LoadGenerator;
  redis: Redis;
  /** Scenarios already warmed once: the first warm-up is 3× longer, while the JIT settles. */
  warmed: Set<ScenarioKey>;
}

/**
 * A closed-loop scenario: the same load unmeasured as a warm-up, then measured while the process
 * under test is watched from outside (RSS sampled, CPU and Redis CPU read before and after).
 */
export async function measureThroughput(
  bench: Bench,
  scenario: ScenarioKey,
  round: number,
  target: { pid: number; redis: boolean },
  load: Omit<LoadSpec, 'durationS' | 'connections'>,
): Promise<Row> {
  const { options } = bench;
  const spec = { ...load, connections: options.connections };
  const warmupS = bench.warmed.has(scenario) ? options.warmupS : 3 * options.warmupS;
  bench.warmed.add(scenario);
  await bench.load.run({ ...spec, durationS: warmupS });

  const rss = sampleRss(target.pid);
  const cpuBefore = cpuUs(target.pid);
  const redisBefore = target.redis ? await redisCpuUs(bench.redis) : 0;
  const result = await bench.load.run({ ...spec, durationS: options.durationS });
  const cpuAfter = cpuUs(target.pid);
  const redisAfter = target.redis ? await redisCpuUs(bench.redis) : 0;
  const perRequest = (us: number) => (result.requests > 0 ? us / result.requests : null);
  return {
    scenario,
    round,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    peakRssMb: rss.stop(),
    cpuUsPerRequest: perRequest(cpuAfter - cpuBefore),
    redisUsPerRequest: target.redis ? perRequest(redisAfter - redisBefore) : null,
    notOk: result.errorStatuses + result.socketErrors,
    notes: '',
  };
}
