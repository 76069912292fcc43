import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * A Prometheus text parser just strict enough to prove the format: name{labels} value. NaN in any
 * case, as Prometheus reads it: prom-client writes `Nan`, e.g. for the event-loop lag before its
 * first sample.
 */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|[Nn][Aa][Nn]|\+Inf|-Inf)$/.exec(
      line,
    );
    expect(match, line).not.toBeNull();
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], Number(match[2]));
  }
  return values;
}

describe('GET /metrics', () => {
  let gw: TestGateway;
  let cookie: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { USER_RPS: '1', USER_BURST: '3' } });
    ({ cookie } = await gw.login('alice', 'alice-password-1'));
  });
  afterAll(() => gw.close());

  const scrape = async () => {
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parseMetrics(await res.text());
  };

  it('parses as Prometheus text and its counters move with traffic', async () => {
    const before = await scrape();
    expect(before.has('process_resident_memory_bytes')).toBe(true);
    expect([...before.keys()].some((k) => k.startsWith('nodejs_eventloop_lag'))).toBe(true);

    expect((await gw.get('/v1/accounts/grp_a/signals/scans', cookie)).headers.get('x-cache')).toBe('MISS');
    expect((await gw.get('/v1/accounts/grp_a/signals/scans', cookie)).headers.get('x-cache')).toBe('HIT');
    let limited = 0;
    for (let i = 0; i < 5; i += 1)
      if ((await gw.get('/v1/accounts/grp_a/signals/scans', cookie)).status === 429) limited += 1;
    expect(limited).toBeGreaterThan(0);

    const after = await scrape();
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('sbff_cache_results_total{result="HIT"}')).toBeGreaterThanOrEqual(1);
    expect(delta('sbff_cache_results_total{result="MISS"}')).toBe(1);
    expect(delta('sbff_rate_rejections_total{limit="user"}')).toBe(limited);
    expect(delta('sbff_upstream_calls_total{outcome="ok"}')).toBe(1);
    expect(after.get('sbff_logins_total{result="success"}')).toBeGreaterThanOrEqual(1);
    expect(
      delta(
        'sbff_http_requests_total{route="/v1/accounts/:accountGroupId/signals/scans",method="GET",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(2);
  });

  it('is refused to a caller that came through a proxy, and to a wrong token when one is set', async () => {
    const proxied = await fetch(`${gw.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    const tokenGw = await startGateway({
      simulator: gw.sim,
      store: 'memory',
      env: { METRICS_TOKEN: 'm-token' },
    });
    try {
      expect((await fetch(`${tokenGw.url}/metrics`)).status).toBe(403);
      expect(
        (await fetch(`${tokenGw.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status,
      ).toBe(403);
      expect(
        (await fetch(`${tokenGw.url}/metrics`, { headers: { authorization: 'Bearer m-token' } })).status,
      ).toBe(200);
    } finally {
      await tokenGw.close();
    }
  });
});

describe('GET /healthz and /readyz', () => {
  it('readiness turns 503 while draining; health stays 200', async () => {
    const gw = await startGateway({ store: 'memory' });
    try {
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
      gw.deps.lifecycle.draining = true;
      const res = await fetch(`${gw.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
