import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

interface Envelope {
  success: boolean;
  data: { items: unknown[] } | null;
  error: { code: string } | null;
  traceId: string;
}

/** docs/cache-and-rate.md#page-cache and #access-before-cache as a frontend sees them: X-Cache, stale pages, access before the cache. */
describe('the scans list cache over HTTP, two gateways on one Redis', () => {
  let sim: RunningSimulator;
  let a: TestGateway;
  let b: TestGateway;
  let alice: string;
  let bob: string;
  const clock = { now: Date.now() };
  let n = 0;
  /** A page no other test has touched. */
  const freshPath = (group = 'grp_a') => {
    n += 1;
    return `/v1/accounts/${group}/signals/scans?limit=${n}`;
  };

  beforeAll(async () => {
    a = await startGateway({ env: { CACHE_TTL_S: '30', CACHE_STALE_S: '300' }, clock: () => clock.now });
    b = await a.startSibling();
    sim = a.sim;
    ({ cookie: alice } = await a.login('alice', 'alice-password-1'));
    ({ cookie: bob } = await a.login('bob', 'bob-password-1'));
  });
  beforeEach(() => sim.reset());
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a cold page is MISS, then HIT from either gateway, each answer with its own traceId', async () => {
    const path = freshPath();
    const miss = await a.get(path, alice);
    const hit = await b.get(path, alice);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('cache-control')).toBe('private, no-store');
    const [first, second] = [(await miss.json()) as Envelope, (await hit.json()) as Envelope];
    expect(second.data).toEqual(first.data);
    expect(second.traceId).not.toBe(first.traceId);
    expect(second.traceId).toBe(hit.headers.get('x-trace-id'));
    expect(sim.callCount()).toBe(1);
  });

  it('Cache-Control: no-cache is a BYPASS that calls the upstream', async () => {
    const path = freshPath();
    await a.get(path, alice);
    const bypass = await b.get(path, alice, { 'cache-control': 'no-cache' });
    expect(bypass.status).toBe(200);
    expect(bypass.headers.get('x-cache')).toBe('BYPASS');
    expect(sim.callCount()).toBe(2);
  });

  it('a page past CACHE_TTL_S is served STALE at once, refreshed once, then HIT', async () => {
    const path = freshPath();
    await a.get(path, alice);
    clock.now += 31_000;
    const stale = await Promise.all([a.get(path, alice), b.get(path, alice)]);
    expect(stale.map((r) => r.headers.get('x-cache'))).toEqual(['STALE', 'STALE']);
    await a.deps.tracker.drain(5000);
    await b.deps.tracker.drain(5000);
    expect(sim.callCount()).toBe(2);
    expect((await b.get(path, alice)).headers.get('x-cache')).toBe('HIT');
  });

  it('a stale page stands in for an upstream 5xx; without one the frontend gets 502', async () => {
    const cached = freshPath();
    await a.get(cached, alice);
    sim.setFaults({ mode: 'error', status: 500 });
    const stale = await a.get(cached, alice, { 'cache-control': 'no-cache' });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    const cold = await a.get(freshPath(), alice);
    expect(cold.status).toBe(502);
    expect(((await cold.json()) as Envelope).error?.code).toBe('UPSTREAM_ERROR');
  });

  it('concurrent cold requests on both gateways make one upstream call', async () => {
    const path = freshPath();
    sim.setFaults({ latencyMs: 200 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get(path, alice)));
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(sim.callCount()).toBe(1);
  });

  it('access is checked before the cache: a cached page of another group is 403, no X-Cache', async () => {
    const path = freshPath('grp_a');
    expect((await a.get(path, alice)).status).toBe(200);
    const denied = await a.get(path, bob);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-cache')).toBeNull();
    expect(((await denied.json()) as Envelope).data).toBeNull();
    expect(sim.callCount()).toBe(1);
  });
});

describe('the upstream budget over HTTP', () => {
  let gw: TestGateway;
  let alice: string;

  beforeAll(async () => {
    gw = await startGateway({
      env: { UPSTREAM_RPS: '0.5', UPSTREAM_BURST: '1', RATE_MAX_WAIT_MS: '0' },
    });
    ({ cookie: alice } = await gw.login('alice', 'alice-password-1'));
  });
  afterAll(() => gw.close());

  it('past RATE_MAX_WAIT_MS a cold page is 429 RATE_LIMITED with Retry-After; a cached one still HITs', async () => {
    const cached = '/v1/accounts/grp_a/signals/scans?limit=1';
    expect((await gw.get(cached, alice)).status).toBe(200);
    const limited = await gw.get('/v1/accounts/grp_a/signals/scans?limit=2', alice);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(((await limited.json()) as Envelope).error?.code).toBe('RATE_LIMITED');
    expect((await gw.get(cached, alice)).headers.get('x-cache')).toBe('HIT');
    expect(gw.sim.callCount()).toBe(1);
  });
});
