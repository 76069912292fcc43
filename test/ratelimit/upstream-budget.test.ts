import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageOutcome } from '../../src/cache/page-request.js';
import type { UpstreamFailure } from '../../src/upstream/vendor-call.js';
import type { ScanQuery } from '../../src/upstream/vendor-call.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { SlotReservation, Store } from '../../src/store/store.js';
import { REDIS_URL, startOwnRedis } from '../helpers/redis.js';
import { metricValue } from '../helpers/metrics.js';
import { createWaitableList } from '../helpers/waitable-list.js';
import {
  createHarness,
  maxCallsInAnySecond,
  type Harness,
  type Instance,
} from '../cache/scan-pages-fixture.js';

/** Distinct cold pages: one upstream call each. */
const page = (n: number): ScanQuery => ({ accountGroupId: 'grp_a', limit: n });
const pages = (n: number) => Array.from({ length: n }, (_, i) => page(i + 1));

const everyOk = (outcomes: PageOutcome<UpstreamFailure>[]) => outcomes.every((o) => o.ok);

describe('the shared upstream budget', () => {
  let sim: RunningSimulator;
  let h: Harness;

  beforeEach(async () => {
    // The vendor's own hard limit: any excess shows up as an upstream 429.
    sim = await startSimulator({ rateLimit: { rps: 10, burst: 5 } });
    h = createHarness('redis', sim);
  });
  afterEach(async () => {
    await h.close();
    await sim.close();
  });

  const smoothing = { upstreamRps: 10, upstreamBurst: 5, maxWaitMs: 10_000 };

  /**
   * A warm process, as in production: the first call of a cold one (module JIT, first connection)
   * can reach the vendor tens of ms late and make the next slot look early by that much.
   */
  async function warmUp(...instances: Instance[]) {
    for (const gw of instances) await gw.get({ accountGroupId: 'grp_warm' });
    sim.reset();
  }

  it('40 cold pages at once on one instance: all answered, ≤ rps + burst a second, no upstream 429', async () => {
    const gw = await h.instance(smoothing);
    await warmUp(gw);
    const outcomes = await Promise.all(pages(40).map((q) => gw.get(q)));
    expect(everyOk(outcomes)).toBe(true);
    expect(sim.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(sim.callCount()).toBe(40);
    expect(maxCallsInAnySecond(sim)).toBeLessThanOrEqual(15);
  });

  it('40 cold pages split over two instances sharing Redis stay within one budget', async () => {
    const a = await h.instance(smoothing);
    const b = await h.instance(smoothing);
    await warmUp(a, b);
    const outcomes = await Promise.all(pages(40).map((q, i) => (i % 2 ? a : b).get(q)));
    expect(everyOk(outcomes)).toBe(true);
    expect(sim.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(maxCallsInAnySecond(sim)).toBeLessThanOrEqual(15);
  });

  it("the client's retry of a transient vendor failure takes a budget slot: none free, no second call", async () => {
    const tight = await h.instance({ upstreamRps: 0.5, upstreamBurst: 1, maxWaitMs: 100 });
    sim.setFaults({ mode: 'error', status: 503, times: 1 });
    expect(await tight.get(page(1))).toMatchObject({
      ok: false,
      failure: { kind: 'server_error', status: 503 },
    });
    expect(sim.callCount()).toBe(1);
  });

  it('with a slot free, the retry goes out and answers', async () => {
    const roomy = await h.instance();
    sim.setFaults({ mode: 'error', status: 503, times: 1 });
    expect((await roomy.get(page(1))).ok).toBe(true);
    expect(sim.callCount()).toBe(2);
  });

  it('a request that would wait past RATE_MAX_WAIT_MS is refused with Retry-After and makes no call', async () => {
    const gw = await h.instance({ upstreamRps: 0.5, upstreamBurst: 1, maxWaitMs: 100 });
    expect((await gw.get(page(1))).ok).toBe(true);
    const refused = await gw.get(page(2));
    expect(refused).toMatchObject({
      ok: false,
      cache: 'MISS',
      failure: { kind: 'rate_limited', retryAfterS: 2 },
    });
    expect(sim.callCount()).toBe(1);
    expect(await metricValue(gw.metrics.rateRejections, { limit: 'upstream' })).toBe(1);
  });

  it('an upstream 429 with Retry-After: 3 pauses both instances: no call from either during the pause', async () => {
    const watchedA = watched(createRedisStore({ url: REDIS_URL }));
    const a = await h.instance({ maxWaitMs: 5000, store: watchedA.store });
    const b = await h.instance({ maxWaitMs: 5000 });
    sim.setFaults({ mode: 'rate_limited', retryAfter: '3', times: 1 });
    const hit429 = a.get(page(1));
    // Once the pause is written to the shared budget, b must honour it.
    await watchedA.pauses.waitForLength(1);
    const rest = await Promise.all([b.get(page(2)), a.get(page(3)), b.get(page(4)), b.get(page(5))]);
    // The request that met the 429 could wait out the pause: it retried once, after it.
    expect(everyOk([await hit429, ...rest])).toBe(true);
    expect(await metricValue(a.metrics.upstreamPauses)).toBe(1);
    const [limited, ...after] = sim.calls;
    expect(limited?.status).toBe(429);
    expect(after).toHaveLength(5);
    for (const call of after) expect(call.at).toBeGreaterThanOrEqual((limited?.at ?? 0) + 3000);
  });

  it('a request whose client goes away while it waits for a slot makes no upstream call', async () => {
    const { store, reservations } = watched(createRedisStore({ url: REDIS_URL }));
    const gw = await h.instance({ upstreamRps: 2, upstreamBurst: 1, maxWaitMs: 5000, store });
    await gw.get(page(1));
    const leaving = new AbortController();
    const gone = gw.get(page(2), { signal: () => leaving.signal });
    const [, second] = await reservations.waitForLength(2);
    expect(second).toMatchObject({ granted: true });
    leaving.abort();
    expect((await gone).ok).toBe(false);
    // The next slot comes after the abandoned one: once it is served, that slot has passed unused.
    expect((await gw.get(page(3))).ok).toBe(true);
    expect(sim.calls.map((c) => c.query['limit'])).toEqual(['1', '3']);
  });
});

describe('the upstream budget when Redis is unreachable', () => {
  it('falls back to a local limit of UPSTREAM_RPS / INSTANCES: still bounded, never a crash', async () => {
    const redis = await startOwnRedis();
    const sim = await startSimulator();
    const h = createHarness('redis', sim);
    try {
      const store = createRedisStore({ url: redis.url, onError: () => undefined });
      // Locally: 10 / 2 = 5 calls a second, burst 4 / 2 = 2.
      const gw = await h.instance({
        upstreamRps: 10,
        upstreamBurst: 4,
        instances: 2,
        maxWaitMs: 5000,
        store,
      });
      await redis.stop();
      const outcomes = await Promise.all(pages(9).map((q) => gw.get(q)));
      expect(everyOk(outcomes)).toBe(true);
      expect(maxCallsInAnySecond(sim)).toBeLessThanOrEqual(5 + 2);
      expect(await metricValue(gw.metrics.storeErrors, { subsystem: 'ratelimit' })).toBeGreaterThan(0);
      expect(await metricValue(gw.metrics.storeErrors, { subsystem: 'cache' })).toBeGreaterThan(0);
      expect(gw.logs.text()).toContain('falls back to a local limit');
      expect(gw.logs.text()).toContain('cache store unreachable');
    } finally {
      await h.close();
      await sim.close();
      await redis.stop();
    }
  });
});

/**
 * The real store, telling the test of each slot reservation it answers (a request is waiting) and
 * each pause it writes (every instance must honour it from now on).
 */
function watched(real: Store) {
  const reservations = createWaitableList<SlotReservation>('slot reservation');
  const pauses = createWaitableList<string>('pause');
  const store: Store = {
    ...real,
    async reserveSlot(key, budget) {
      const reservation = await real.reserveSlot(key, budget);
      reservations.push(reservation);
      return reservation;
    },
    // A fill reserves its slot with its page lock.
    async lockAndReserve(lock, slot) {
      const attempt = await real.lockAndReserve(lock, slot);
      if (attempt.locked && attempt.slot !== undefined) reservations.push(attempt.slot);
      return attempt;
    },
    async pauseSlots(key, options) {
      await real.pauseSlots(key, options);
      pauses.push(key);
    },
  };
  return { store, reservations, pauses };
}
