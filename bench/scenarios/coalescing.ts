import { runBurst } from '../burst.js';
import type { Measurement } from '../measurement.js';
import { coldGroup, scansPath } from '../pages.js';
import { rssMb } from '../rss.js';
import type { Suite } from '../suite.js';
import { sessionCookie } from './gateway.js';

export const COALESCING_REQUESTS = 200;

/**
 * The upstream's latency during the burst: long enough that all 200 requests are in the gateway
 * before the first upstream answer, so every one of them meets the fill in flight (X-Cache MISS),
 * none a page already cached (HIT).
 */
export const COALESCING_LATENCY_MS = 250;

/**
 * 200 concurrent requests for one page nobody asked for yet: how many calls reach the upstream for
 * that page (target: exactly 1).
 */
export async function coalescing(suite: Suite, round: number): Promise<Measurement> {
  const group = coldGroup(round);
  const path = scansPath(group, 20);
  const since = Date.now();
  const burst = await runBurst({
    url: suite.gateway.url,
    count: COALESCING_REQUESTS,
    path,
    openWith: '/healthz',
    headers: { cookie: sessionCookie(suite) },
  });
  const { calls } = await suite.simulator.child.call('calls', { since });
  const upstreamCalls = calls.filter((c) => c.accountGroupId === group).length;
  const notOk = Object.fromEntries(Object.entries(burst.byStatus).filter(([status]) => status !== '200'));
  return {
    scenario: 'coalescing',
    rps: Number.NaN,
    p50: burst.p50,
    p99: burst.p99,
    rssMb: await rssMb(suite.gateway.child.pid),
    notOk,
    errors: burst.errors,
    extra: { upstreamCalls, byCache: burst.byCache },
  };
}
