import type { Measurement } from '../measurement.js';
import { distinctPages, HIT_PATH, MISS_LIMITS } from '../pages.js';
import { getPage } from '../session.js';
import type { Suite } from '../suite.js';
import { measureThroughput } from './throughput.js';

/** The reader's session cookie; gateway scenarios are only run when there is one. */
export function sessionCookie(suite: Suite): string {
  if (suite.cookie === undefined) throw new Error(suite.gatewayProblem ?? 'no session');
  return suite.cookie;
}

/** HIT: a real session, the page already cached, audit on. */
export async function gatewayHit(suite: Suite): Promise<Measurement> {
  const cookie = sessionCookie(suite);
  await getPage(suite.gateway.url, HIT_PATH, cookie);
  const measurement = await measureThroughput(suite.settings, 'HIT', suite.gateway.child.pid, {
    url: suite.gateway.url,
    path: HIT_PATH,
    headers: { cookie },
  });
  // A sanity check that the numbers are of the path they claim to be.
  const xCacheAfter = await getPage(suite.gateway.url, HIT_PATH, cookie);
  return { ...measurement, extra: { xCacheAfter, ...(await heapOf(suite)) } };
}

/**
 * MISS: distinct pages, each with `Cache-Control: no-cache` (BYPASS), so every request goes
 * upstream. With one connection (`MISS1`) the latency is the gateway's own work, without queueing.
 */
export async function gatewayMiss(suite: Suite, scenario: 'MISS' | 'MISS20' | 'MISS1'): Promise<Measurement> {
  const measurement = await measureThroughput(suite.settings, scenario, suite.gateway.child.pid, {
    url: suite.gateway.url,
    path: distinctPages(MISS_LIMITS),
    headers: { cookie: sessionCookie(suite), 'cache-control': 'no-cache' },
    ...(scenario === 'MISS1' ? { connections: 1 } : {}),
  });
  return { ...measurement, extra: await heapOf(suite) };
}

/** What the gateway's RSS is made of, right after the load. */
async function heapOf(suite: Suite): Promise<Record<string, number>> {
  const m = await suite.gateway.child.call('memory', { collect: false });
  return { heapUsedMb: m.heapUsed, heapTotalMb: m.heapTotal, externalMb: m.external };
}
