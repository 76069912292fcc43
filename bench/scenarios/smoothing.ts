import { setTimeout as sleep } from 'node:timers/promises';
import type { Bench, Row } from '../measure.js';
import { SMOOTHING_PAGES } from '../pages.js';
import { sampleRss } from '../probes.js';
import type { GatewaySpec, Server, Servers } from '../servers.js';
import { login } from '../session.js';
import { resetSimulator, watchCalls } from '../simulator-control.js';
import type { BenchUser } from '../users.js';

/** The vendor's hard limit, and the smoothing gateway's budget set to match it. */
const VENDOR_LIMIT = { rps: 20, burst: 20 };
/** Offered load: ten times the budget. */
const OFFERED_RPS = 10 * VENDOR_LIMIT.rps;
/** Room for the requests the gateway holds (up to RATE_MAX_WAIT_MS, 2 s) while the schedule goes on. */
const CONNECTIONS = 3 * OFFERED_RPS;

/**
 * The same burst, 10× the vendor's limit over distinct pages, through two gateways in front of a
 * simulator with that hard limit: one whose shared budget matches the limit (smoothing) and one
 * whose budget is far above it (passthrough, the vendor sees the burst). Counted at the
 * simulator: the most calls in a 1-s window; at the gateway: the vendor's 429s; at the client:
 * answers by status.
 */
export async function smoothingBursts(
  bench: Bench,
  servers: Servers,
  gatewaySpec: Omit<GatewaySpec, 'upstreamUrl'>,
  user: BenchUser,
): Promise<Row[]> {
  const simulator = await servers.simulator(VENDOR_LIMIT);
  const budget = { UPSTREAM_RPS: String(VENDOR_LIMIT.rps), UPSTREAM_BURST: String(VENDOR_LIMIT.burst) };
  const smoothing = await servers.gateway({ ...gatewaySpec, upstreamUrl: simulator.url, env: budget });
  const passthrough = await servers.gateway({ ...gatewaySpec, upstreamUrl: simulator.url });
  try {
    const first = await burst(bench, simulator, smoothing, 'smoothing', user);
    // Requests the first gateway still held when the load stopped must not count in the second burst.
    await sleep(2500);
    return [first, await burst(bench, simulator, passthrough, 'passthrough', user)];
  } finally {
    await Promise.all([smoothing.stop(), passthrough.stop()]);
    await simulator.stop();
  }
}

async function burst(
  bench: Bench,
  simulator: Server,
  gateway: Server,
  scenario: 'smoothing' | 'passthrough',
  user: BenchUser,
): Promise<Row> {
  const cookie = await login(gateway.url, user);
  await resetSimulator(simulator.url);
  const vendor429sBefore = await vendor429s(gateway);
  const calls = watchCalls(simulator.url);
  const rss = sampleRss(gateway.pid);
  const durationS = bench.options.smoothingS;
  const result = await bench.load.run({
    url: gateway.url,
    paths: SMOOTHING_PAGES,
    connections: CONNECTIONS,
    durationS,
    headers: { cookie },
    rate: OFFERED_RPS,
    countStatuses: true,
  });
  const peakRssMb = rss.stop();
  const { maxIn1s } = await calls.stop();
  const upstream429s = (await vendor429s(gateway)) - vendor429sBefore;
  const client429s = result.statuses['429'] ?? 0;
  // Below the schedule when the gateway holds requests for seconds: the ones still held at the end
  // are not counted, and with every connection held the schedule falls behind.
  const answered = Math.round(result.requests / result.durationS);
  return {
    scenario,
    round: 0,
    rps: result.statuses['200'] === undefined ? 0 : result.statuses['200'] / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    peakRssMb,
    cpuUsPerRequest: null,
    redisUsPerRequest: null,
    notOk: result.errorStatuses + result.socketErrors,
    notes:
      `max 1-s vendor calls ${maxIn1s} (limit ${VENDOR_LIMIT.rps + VENDOR_LIMIT.burst}), ` +
      `vendor 429 ${upstream429s}, client 429 ${client429s}, answered ${answered}/s of ${OFFERED_RPS}/s scheduled`,
    extra: { maxIn1s, windowLimit: VENDOR_LIMIT.rps + VENDOR_LIMIT.burst, upstream429s, client429s },
  };
}

/** The vendor's 429s as the gateway counted them (`/metrics`, open to loopback callers). */
async function vendor429s(gateway: Server): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return Number(/^sbff_upstream_calls_total\{outcome="rate_limited"\} (\d+)/m.exec(text)?.[1] ?? 0);
}
