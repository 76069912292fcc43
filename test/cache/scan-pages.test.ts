import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodePageEntry } from '../../src/cache/page-entry.js';
import { pageId } from '../../src/cache/page-key.js';
import type { PageOutcome } from '../../src/cache/page-request.js';
import type { UpstreamFailure } from '../../src/upstream/vendor-call.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { metricValue } from '../helpers/metrics.js';
import { REDIS_URL } from '../helpers/redis.js';
import { createHarness, type Harness, type StoreKind } from './scan-pages-fixture.js';

const page = { accountGroupId: 'grp_a', limit: 5 };

function okPage(outcome: PageOutcome<UpstreamFailure>) {
  if (!outcome.ok) throw new Error(`expected a page, got ${JSON.stringify(outcome)}`);
  return outcome.page;
}

describe.each<StoreKind>(['redis', 'memory'])('the scans page cache on the %s store', (kind) => {
  let sim: RunningSimulator;
  let h: Harness;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => {
    sim.reset();
    h = createHarness(kind, sim);
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a cold page is a MISS, then a HIT served from the cache without an upstream call', async () => {
    const gw = await h.instance();
    const first = await gw.get(page);
    expect(first.cache).toBe('MISS');
    const second = await gw.get(page);
    expect(second.cache).toBe('HIT');
    expect(okPage(second).dataJson).toBe(okPage(first).dataJson);
    expect(okPage(second).upstreamTraceId).toBe(okPage(first).upstreamTraceId);
    expect(sim.callCount()).toBe(1);
    expect(await metricValue(gw.metrics.cacheResults, { result: 'MISS' })).toBe(1);
    expect(await metricValue(gw.metrics.cacheResults, { result: 'HIT' })).toBe(1);
  });

  it('no-cache BYPASSes the stored copy and the fresh page replaces it', async () => {
    const gw = await h.instance();
    await gw.get(page);
    const bypass = await gw.get(page, { bypass: true });
    expect(bypass.cache).toBe('BYPASS');
    expect(sim.callCount()).toBe(2);
    const hit = await gw.get(page);
    expect(hit.cache).toBe('HIT');
    expect(okPage(hit).upstreamTraceId).toBe(okPage(bypass).upstreamTraceId);
  });

  it('an absent parameter and every value of it are different pages', async () => {
    const gw = await h.instance();
    await gw.get({ accountGroupId: 'grp_a' });
    expect((await gw.get({ accountGroupId: 'grp_a', limit: 20 })).cache).toBe('MISS');
    expect((await gw.get({ accountGroupId: 'grp_a', status: 'queued' })).cache).toBe('MISS');
    expect((await gw.get({ accountGroupId: 'grp_a' })).cache).toBe('HIT');
    expect(sim.callCount()).toBe(3);
  });

  it('fresh → stale → one background refresh across two instances → HIT again', async () => {
    const a = await h.instance({ ttlS: 30, staleS: 300 });
    const b = await h.instance({ ttlS: 30, staleS: 300 });
    const primed = okPage(await a.get(page));
    h.clock.advance(31_000);
    sim.setFaults({ latencyMs: 150 });
    const stale = await Promise.all([a.get(page), a.get(page), b.get(page), b.get(page)]);
    expect(stale.map((o) => o.cache)).toEqual(['STALE', 'STALE', 'STALE', 'STALE']);
    expect(stale.map((o) => okPage(o).dataJson)).toEqual(Array.from({ length: 4 }, () => primed.dataJson));
    await a.tracker.drain(5000);
    await b.tracker.drain(5000);
    expect(sim.callCount()).toBe(2);
    const fresh = await b.get(page);
    expect(fresh.cache).toBe('HIT');
    expect(okPage(fresh).upstreamTraceId).not.toBe(primed.upstreamTraceId);
  });

  it('past stale-until a page is never served: a MISS', async () => {
    const gw = await h.instance({ ttlS: 1, staleS: 1 });
    await gw.get(page);
    h.clock.advance(2_001);
    expect((await gw.get(page)).cache).toBe('MISS');
    expect(sim.callCount()).toBe(2);
  });

  it('a cold page whose upstream fails is the failure, and nothing is cached', async () => {
    const gw = await h.instance();
    sim.setFaults({ mode: 'error', status: 500, times: 1 });
    const failed = await gw.get(page);
    expect(failed).toMatchObject({ ok: false, cache: 'MISS', failure: { kind: 'server_error' } });
    expect(await h.store.get(h.keys.page(pageId(page)))).toBeNull();
    expect((await gw.get(page)).cache).toBe('MISS');
  });

  describe('stale-if-error: a stale page stands in for an upstream failure', () => {
    async function primeStale(options: { upstreamTimeoutMs?: number; circuitFailures?: number } = {}) {
      // A short max wait: a paused budget answers at once instead of waiting out the pause.
      const gw = await h.instance({ ttlS: 30, staleS: 300, maxWaitMs: 200, ...options });
      const primed = okPage(await gw.get(page));
      h.clock.advance(31_000);
      return { gw, primed };
    }

    it.each([
      ['a 5xx', { mode: 'error' as const, status: 503 }],
      ['a vendor 429', { mode: 'rate_limited' as const, retryAfter: '1' }],
      ['a timeout', { mode: 'hang' as const }],
    ])('%s: STALE, the background refresh fails, the page stays', async (_name, faults) => {
      const { gw, primed } = await primeStale({ upstreamTimeoutMs: 300 });
      sim.setFaults(faults);
      const first = await gw.get(page);
      expect(first.cache).toBe('STALE');
      await gw.tracker.drain(5000);
      expect(sim.callCount()).toBeGreaterThanOrEqual(2);
      const bypass = await gw.get(page, { bypass: true });
      expect(bypass.cache).toBe('STALE');
      expect(okPage(bypass).dataJson).toBe(primed.dataJson);
    });

    it('an open circuit: STALE without calling the upstream', async () => {
      const { gw, primed } = await primeStale({ circuitFailures: 1 });
      sim.setFaults({ mode: 'error', status: 500 });
      await gw.get(page, { bypass: true });
      expect(gw.upstream.circuitState()).toBe('open');
      const calls = sim.callCount();
      const outcome = await gw.get(page, { bypass: true });
      expect(outcome.cache).toBe('STALE');
      expect(okPage(outcome).dataJson).toBe(primed.dataJson);
      expect(sim.callCount()).toBe(calls);
    });
  });

  it('100 concurrent cold requests on one instance make exactly one upstream call', async () => {
    const gw = await h.instance();
    sim.setFaults({ latencyMs: 200 });
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => gw.get(page)));
    expect(outcomes.every((o) => o.ok && o.cache === 'MISS')).toBe(true);
    expect(sim.callCount()).toBe(1);
  });

  it('100 concurrent cold requests on two instances make exactly one upstream call', async () => {
    const a = await h.instance();
    const b = await h.instance();
    sim.setFaults({ latencyMs: 200 });
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).get(page)));
    expect(outcomes.every((o) => o.ok && o.cache === 'MISS')).toBe(true);
    expect(new Set(outcomes.map((o) => o.ok && o.page.upstreamTraceId)).size).toBe(1);
    expect(sim.callCount()).toBe(1);
  });

  it('concurrent no-cache requests on two instances still make one upstream call', async () => {
    const a = await h.instance();
    const b = await h.instance();
    await a.get(page);
    sim.setFaults({ latencyMs: 200 });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get(page, { bypass: true })),
    );
    expect(outcomes.every((o) => o.ok && o.cache === 'BYPASS')).toBe(true);
    expect(sim.callCount()).toBe(2);
  });

  it('a fill takes its vendor slot with its page lock, in one store call; a waiter takes none', async () => {
    const calls: string[] = [];
    // What each instance asks its store, by operation.
    const counted = (store: Store): Store =>
      new Proxy(store, {
        get(target, name, receiver) {
          const value: unknown = Reflect.get(target, name, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(String(name));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const own = () => counted(kind === 'memory' ? h.store : createRedisStore({ url: REDIS_URL }));
    const budget = { upstreamRps: 1, upstreamBurst: 2 };
    const a = await h.instance({ ...budget, store: own() });
    const b = await h.instance({ ...budget, store: own() });
    calls.length = 0;
    sim.setFaults({ latencyMs: 200 });
    const outcomes = await Promise.all([a.get(page, { bypass: true }), b.get(page, { bypass: true })]);
    expect(outcomes.map((o) => o.cache)).toEqual(['BYPASS', 'BYPASS']);
    expect(sim.callCount()).toBe(1);
    expect(calls.filter((c) => c === 'lockAndReserve')).toHaveLength(2);
    expect(calls.filter((c) => c === 'reserveSlot' || c === 'set')).toEqual([]);
    // One slot of the burst of two went: the waiter's refused lock took none.
    const slot = { intervalMs: 1000, burst: 2, maxWaitMs: 0 };
    expect((await h.store.reserveSlot(h.keys.upstreamBudget(), slot)).granted).toBe(true);
    expect((await h.store.reserveSlot(h.keys.upstreamBudget(), slot)).granted).toBe(false);
  });

  it('a filled page is answered before its cache write lands; until then its lock stays', async () => {
    let land = () => {};
    const landed = new Promise<void>((resolve) => (land = resolve));
    const base = kind === 'memory' ? h.store : createRedisStore({ url: REDIS_URL });
    const store: Store = {
      ...base,
      async setAndRelease(...args) {
        await landed;
        return base.setAndRelease(...args);
      },
    };
    const gw = await h.instance({ store });
    expect((await gw.get(page)).cache).toBe('MISS');
    const entryKey = h.keys.page(pageId(page));
    const lockKey = h.keys.pageLock(pageId(page));
    expect(await h.store.get(entryKey)).toBeNull();
    // Another instance reading now finds the fill still going, and waits for its entry.
    expect(await h.store.get(lockKey)).not.toBeNull();
    land();
    await gw.tracker.drain(5000);
    expect(await h.store.get(entryKey)).not.toBeNull();
    expect(await h.store.get(lockKey)).toBeNull();
    expect((await gw.get(page)).cache).toBe('HIT');
    expect(sim.callCount()).toBe(1);
  });

  it('a lock holder that died mid-fill: its lock expires and one instance fills', async () => {
    const a = await h.instance();
    const b = await h.instance();
    // "Another instance" took the lock and never filled.
    await h.store.set(h.keys.pageLock(pageId(page)), 'dead-instance', { ttlMs: 300 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).get(page)));
    expect(outcomes.every((o) => o.ok && o.cache === 'MISS')).toBe(true);
    expect(sim.callCount()).toBe(1);
    expect((await a.get(page)).cache).toBe('HIT');
  });

  it('a waiter never takes the expired entry it missed for the fill it waits on', async () => {
    const gw = await h.instance({ ttlS: 30, staleS: 300 });
    await h.store.set(h.keys.page(pageId(page)), validEntry('grp_a', -1000), { ttlMs: 60_000 });
    await h.store.set(h.keys.pageLock(pageId(page)), 'dead-instance', { ttlMs: 200 });
    const outcome = await gw.get(page);
    expect(outcome.cache).toBe('MISS');
    expect(okPage(outcome).upstreamTraceId).not.toBe('planted');
    expect(sim.callCount()).toBe(1);
  });

  it.each([
    ['garbage', () => 'not an entry at all'],
    ['another format version', () => validEntry('grp_a').replace(/^v1\|/, 'v0|')],
    ['a truncated body', () => validEntry('grp_a').slice(0, -3)],
    ['a damaged header', () => validEntry('grp_a').replace(/\|\d+\|/, '|x|')],
  ])('an entry with %s is a miss, deleted and never served', async (_name, entry) => {
    const gw = await h.instance();
    const key = h.keys.page(pageId(page));
    await h.store.set(key, entry(), { ttlMs: 60_000 });
    sim.setFaults({ mode: 'error', status: 500, times: 1 });
    const outcome = await gw.get(page);
    expect(outcome).toMatchObject({ ok: false, cache: 'MISS' });
    expect(await h.store.get(key)).toBeNull();
    expect((await gw.get(page)).cache).toBe('MISS');
    expect((await gw.get(page)).cache).toBe('HIT');
  });

  it('a page cached for one group is never served for another', async () => {
    const gw = await h.instance();
    const a = okPage(await gw.get({ ...page, accountGroupId: 'grp_a' }));
    const b = await gw.get({ ...page, accountGroupId: 'grp_b' });
    expect(b.cache).toBe('MISS');
    expect(okPage(b).dataJson).not.toBe(a.dataJson);
    // Even an entry for grp_a planted under grp_b's key is refused.
    const key = h.keys.page(pageId({ ...page, accountGroupId: 'grp_b' }));
    await h.store.set(key, validEntry('grp_a'), { ttlMs: 60_000 });
    expect((await gw.get({ ...page, accountGroupId: 'grp_b' })).cache).toBe('MISS');
  });

  it('a waiter whose client goes away stops waiting; the others still get the page', async () => {
    const gw = await h.instance();
    sim.setFaults({ latencyMs: 300 });
    const leaving = new AbortController();
    const staying = gw.get(page);
    const gone = gw.get(page, { signal: () => leaving.signal });
    await sim.waitForCalls(1);
    leaving.abort();
    expect((await gone).ok).toBe(false);
    expect(await Promise.race([staying.then(() => 'settled'), Promise.resolve('pending')])).toBe('pending');
    expect((await staying).cache).toBe('MISS');
    expect(sim.callCount()).toBe(1);
  });

  /** An entry as a gateway writes it; `staleInMs` < 0 is one past its stale-until. */
  function validEntry(group: string, staleInMs = 120_000): string {
    const now = h.clock.now;
    return encodePageEntry({
      accountGroupId: group,
      freshUntil: now + staleInMs - 60_000,
      staleUntil: now + staleInMs,
      fillToken: 'planted',
      page: {
        dataJson: '{"items":[],"nextCursor":null,"hasMore":false}',
        itemCount: 0,
        upstreamTraceId: 'planted',
      },
    });
  }
});
