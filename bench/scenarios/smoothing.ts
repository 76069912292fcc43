import { setTimeout as sleep } from 'node:timers/promises';
import type { Measurement } from '../measurement.js';
import { runOpenLoop } from '../open-loop.js';
import { distinctPages, ITEMS_PER_GROUP, SMOOTHING_LIMITS } from '../pages.js';
import type { GatewayMethods, SimulatorMethods } from '../processes/methods.js';
import { sampleRss } from '../rss.js';
import { login } from '../session.js';
import { maxInWindow } from '../stats.js';
import type { Server, Suite } from '../suite.js';

/** The vendor's hard limit, and the gateway's budget set to match it. */
export const SMOOTHING_LIMIT = { rps: 20, burst: 20 };
/** Offered load: ten times the budget. */
export const OVERLOAD = 10;

export interface SmoothingRig {
  /** A simulator with its own hard limit, shared by both gateways (reset before each burst). */
  simulator: Server<SimulatorMethods>;
  smoothing: { gateway: Server<GatewayMethods>; cookie: string };
  /** The same gateway with its budget far above the vendor's limit: the upstream sees the burst. */
  passthrough: { gateway: Server<GatewayMethods>; cookie: string };
}

export async function startSmoothingRig(suite: Suite): Promise<SmoothingRig> {
  const simulator = await suite.startSimulator({
    rateLimit: SMOOTHING_LIMIT,
    itemsPerGroup: ITEMS_PER_GROUP,
    maxRecordedCalls: 50_000,
  });
  const budget = (rps: number, burst: number) => ({
    UPSTREAM_RPS: String(rps),
    UPSTREAM_BURST: String(burst),
  });
  const [smoothing, passthrough] = await Promise.all([
    suite.startGateway(simulator.url, budget(SMOOTHING_LIMIT.rps, SMOOTHING_LIMIT.burst)),
    suite.startGateway(simulator.url, budget(100_000, 100_000)),
  ]);
  return {
    simulator,
    smoothing: { gateway: smoothing, cookie: await login(smoothing.url, suite.users.reader) },
    passthrough: { gateway: passthrough, cookie: await login(passthrough.url, suite.users.reader) },
  };
}

/**
 * OVERLOAD × UPSTREAM_RPS requests per second over distinct pages, offered on a schedule. Counted
 * at the simulator: the most calls in any 1-s window and its 429s; at the client: 429s and the
 * p99 wait.
 */
export async function smoothingBurst(
  suite: Suite,
  rig: SmoothingRig,
  which: 'smoothing' | 'passthrough',
  round: number,
): Promise<Measurement> {
  const { gateway, cookie } = rig[which];
  const rate = OVERLOAD * SMOOTHING_LIMIT.rps;
  const durationS = suite.settings.smoothingS;
  // Let the previous burst's budget refill and any pause end; every burst starts from rest.
  await sleep(2000);
  await rig.simulator.child.call('reset', null);
  const since = Date.now();
  const rss = sampleRss(gateway.child.pid);
  const result = await runOpenLoop({
    url: gateway.url,
    rate,
    durationS,
    path: distinctPages(SMOOTHING_LIMITS, round * Math.ceil(rate * durationS)),
    headers: { cookie },
  });
  const rssMb = await rss.stop();
  const { calls } = await rig.simulator.child.call('calls', { since });
  const served = result.byStatus['200'] ?? 0;
  return {
    scenario: which,
    rps: served / durationS,
    p50: result.p50,
    p99: result.p99,
    rssMb,
    notOk: Object.fromEntries(Object.entries(result.byStatus).filter(([s]) => s !== '200')),
    errors: result.errors,
    extra: {
      offeredRps: rate,
      maxUpstreamIn1s: maxInWindow(
        calls.map((c) => c.at),
        1000,
      ),
      windowLimit: SMOOTHING_LIMIT.rps + SMOOTHING_LIMIT.burst,
      upstreamCalls: calls.length,
      upstream429s: calls.filter((c) => c.status === 429).length,
      client429s: result.byStatus['429'] ?? 0,
    },
  };
}
