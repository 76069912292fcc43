import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { metricValue } from '../helpers/metrics.js';
import { DEFAULT_USERS } from '../helpers/users.js';

const alice = DEFAULT_USERS[0];
const MAX_IN_FLIGHT = 10;

interface Answer {
  status: number;
  ms: number;
  traceId: string | null;
  retryAfter: string | null;
}

async function timed(url: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return {
    status: res.status,
    ms: performance.now() - started,
    traceId: res.headers.get('x-trace-id'),
    retryAfter: res.headers.get('retry-after'),
  };
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? 0;

describe('overload is shed, not suffered', () => {
  let gw: TestGateway;
  let cookie: string;
  beforeAll(async () => {
    gw = await startGateway({
      simulator: { faults: { latencyMs: 100 } },
      env: { OVERLOAD_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' },
    });
    if (alice === undefined) throw new Error('no alice');
    ({ cookie } = await gw.login(alice.username, alice.password));
  });
  afterAll(() => gw.close());

  it(`past ${MAX_IN_FLIGHT} requests in flight the excess gets 503 at once; the served keep their latency, all audited`, async () => {
    const headers = { cookie, 'cache-control': 'no-cache' };
    const answers: Answer[] = [];
    // Three waves of ten times the bound, each on distinct pages (no coalescing to hide behind).
    for (let wave = 0; wave < 3; wave += 1) {
      const batch = Array.from({ length: 10 * MAX_IN_FLIGHT }, (_, i) =>
        timed(
          `${gw.url}/v1/accounts/grp_a/signals/scans?limit=${(i % 100) + 1}&status=${['queued', 'running', 'completed'][wave] ?? 'queued'}`,
          headers,
        ),
      );
      const [health] = await Promise.all([
        fetch(`${gw.url}/healthz`),
        Promise.all(batch).then((a) => answers.push(...a)),
      ]);
      expect(health.status).toBe(200);
    }
    const served = answers.filter((a) => a.status === 200);
    const shed = answers.filter((a) => a.status === 503);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => a.status)).toEqual([]);
    expect(served.length).toBeGreaterThanOrEqual(3 * MAX_IN_FLIGHT);
    expect(shed.length).toBeGreaterThan(answers.length / 2);
    expect(shed.every((a) => a.retryAfter === '1')).toBe(true);
    expect(await metricValue(gw.deps.metrics.requestsShed, { reason: 'in_flight' })).toBe(shed.length);
    // Served requests wait for the vendor (100 ms) and their turn, not for the whole flood; the
    // bound is loose because this process also runs the flood's 100 clients.
    expect(p99(served.map((a) => a.ms)), `served p99 of ${served.length}`).toBeLessThan(5000);
    const { items } = await gw.deps.audit.query({ limit: 100, event: 'scans.list' });
    const audited = new Set(items.map((r) => r.traceId));
    expect(served.filter((a) => !audited.has(a.traceId ?? ''))).toEqual([]);
    // Over at once: the next request is served.
    expect((await timed(`${gw.url}/v1/accounts/grp_a/signals/scans`, { cookie })).status).toBe(200);
  });

  it('a shed answer is the envelope with SERVICE_UNAVAILABLE, before any work: no session lookup, no vendor call', async () => {
    const calls = gw.sim.callCount();
    const slow = Array.from({ length: MAX_IN_FLIGHT }, (_, i) =>
      fetch(`${gw.url}/v1/accounts/grp_b/signals/scans?limit=${i + 1}`, {
        headers: { cookie, 'cache-control': 'no-cache' },
      }),
    );
    await gw.sim.waitForCalls(calls + MAX_IN_FLIGHT);
    const res = await fetch(`${gw.url}/v1/accounts/grp_a/signals/scans`, {
      headers: { cookie: 'sbff_session=garbage' },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ success: false, error: { code: 'SERVICE_UNAVAILABLE' } });
    await Promise.all((await Promise.all(slow)).map((r) => r.arrayBuffer()));
  });
});

describe('shedding on event-loop delay', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '50' } });
  });
  afterAll(() => gw.close());

  it('once the event loop ran late, new requests are shed until it runs on time again; probes still answer', async () => {
    // This process is the gateway's: hold its loop past the bound, then let its timer see it.
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // busy
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    const statuses = (
      await Promise.all(Array.from({ length: 5 }, () => fetch(`${gw.url}/auth/session`)))
    ).map((r) => r.status);
    expect(statuses).toContain(503);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    expect(await metricValue(gw.deps.metrics.requestsShed, { reason: 'event_loop' })).toBeGreaterThan(0);
    // No event marks the loop on time again: ask until it answers as usual (no session: 401).
    await expect
      .poll(async () => (await fetch(`${gw.url}/auth/session`)).status, { timeout: 5000 })
      .toBe(401);
  });
});
