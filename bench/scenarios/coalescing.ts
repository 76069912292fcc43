import type { Row } from '../measure.js';
import { COLD_GROUPS, scansPath } from '../pages.js';
import { rssMb } from '../probes.js';
import { setUpstreamLatency, simulatorCalls } from '../simulator-control.js';
import type { ThroughputRig } from './throughput.js';

export const COALESCING_REQUESTS = 200;

/**
 * The vendor's latency during the burst: long enough that all 200 requests are in the gateway
 * before the first vendor answer, so each meets the fill in flight rather than a cached page.
 */
const COALESCING_LATENCY_MS = 250;

/**
 * 200 concurrent requests for one page nobody asked for yet: how many calls reach the vendor
 * (target: exactly 1). A burst, not a load: plain fetch, one connection per request.
 */
export async function coalescing(rig: ThroughputRig, round: number): Promise<Row> {
  const path = scansPath(COLD_GROUPS[round % COLD_GROUPS.length] ?? 'cold_0', 20);
  await setUpstreamLatency(rig.simulator.url, COALESCING_LATENCY_MS);
  const before = await simulatorCalls(rig.simulator.url);
  const answers = await Promise.all(
    Array.from({ length: COALESCING_REQUESTS }, async () => {
      const started = performance.now();
      const res = await fetch(`${rig.gateway.url}${path}`, { headers: { cookie: rig.cookie } });
      await res.arrayBuffer();
      return {
        ms: performance.now() - started,
        status: res.status,
        cache: res.headers.get('x-cache') ?? '-',
      };
    }),
  );
  const upstreamCalls = (await simulatorCalls(rig.simulator.url)) - before;
  await setUpstreamLatency(rig.simulator.url, 0);

  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const byCache = new Map<string, number>();
  for (const a of answers) byCache.set(a.cache, (byCache.get(a.cache) ?? 0) + 1);
  return {
    scenario: 'coalescing',
    round,
    rps: null,
    p50Ms: ms[Math.ceil(0.5 * ms.length) - 1] ?? Number.NaN,
    p99Ms: ms[Math.ceil(0.99 * ms.length) - 1] ?? Number.NaN,
    peakRssMb: rssMb(rig.gateway.pid),
    cpuUsPerRequest: null,
    redisUsPerRequest: null,
    notOk: answers.filter((a) => a.status >= 400).length,
    notes: `upstream calls ${upstreamCalls}; X-Cache ${[...byCache].map(([k, n]) => `${k}:${n}`).join(' ')}`,
    extra: { upstreamCalls },
  };
}
