import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { AUTH, getScans, scansPath } from './fixture.js';

describe('simulator faults', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({
      keys: [{ key: 's3cret-key', accountGroups: '*', permissions: ['signals:read'] }],
    });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  const KEY = { authorization: 'Bearer s3cret-key' };
  const get = (init: RequestInit = {}): Promise<Response> =>
    fetch(sim.url + scansPath('grp_a'), { headers: KEY, ...init });

  it('error answers the status with the vendor envelope (500 by default)', async () => {
    sim.setFaults({ mode: 'error' });
    const res = await get();
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ success: false, data: null, error: { code: 'INTERNAL_ERROR' } });
    sim.setFaults({ mode: 'error', status: 503 });
    const unavailable = await get();
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('hang never answers: the client times out and the call is recorded with status 0', async () => {
    sim.setFaults({ mode: 'hang' });
    await expect(get({ signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]?.status).toBe(0);
  });

  it('truncated answers 200 JSON whose body is cut mid-JSON', async () => {
    sim.setFaults({ mode: 'truncated' });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text.startsWith('{"success":true,"data":{"items":[')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('not_json answers 200 text/html', async () => {
    sim.setFaults({ mode: 'not_json' });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<html>');
  });

  it('wrong_schema answers a valid 200 envelope whose data lacks items', async () => {
    sim.setFaults({ mode: 'wrong_schema' });
    const res = await get();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; data: Record<string, unknown> };
    expect(body.success).toBe(true);
    expect(body.data).not.toHaveProperty('items');
  });

  it('redirect answers 302 with the Location', async () => {
    sim.setFaults({ mode: 'redirect', redirectTo: 'http://127.0.0.1:9/elsewhere' });
    const res = await get({ redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
  });

  it('oversized streams a valid JSON page of about the asked size, chunked', async () => {
    sim.setFaults({ mode: 'oversized', oversizedBytes: 3_000_000 });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    const text = await res.text();
    expect(text.length).toBeGreaterThan(2_990_000);
    expect(text.length).toBeLessThanOrEqual(3_000_000);
    const body = JSON.parse(text) as { data: { items: unknown[] } };
    expect(body.data.items.length).toBeGreaterThan(1000);
  });

  it('oversized defaults to about 20 MB and stops when the client stops reading', async () => {
    sim.setFaults({ mode: 'oversized' });
    const res = await get();
    const reader = res.body?.getReader();
    let bytes = 0;
    while (reader !== undefined && bytes < 2_000_000) {
      const chunk = await reader.read();
      if (chunk.done) break;
      bytes += chunk.value.byteLength;
    }
    await reader?.cancel();
    expect(bytes).toBeGreaterThanOrEqual(2_000_000);
    // The server is still healthy afterwards.
    sim.setFaults({});
    expect((await get()).status).toBe(200);
  });

  it('rate_limited answers 429 with Retry-After 1 by default, a raw value, or none', async () => {
    sim.setFaults({ mode: 'rate_limited' });
    const first = await get();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    sim.setFaults({ mode: 'rate_limited', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    expect((await get()).headers.get('retry-after')).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    sim.setFaults({ mode: 'rate_limited', retryAfter: null });
    const none = await get();
    expect(none.status).toBe(429);
    expect(none.headers.has('retry-after')).toBe(false);
  });

  it('reset destroys the connection without an answer', async () => {
    sim.setFaults({ mode: 'reset' });
    await expect(get()).rejects.toThrow();
    expect(sim.calls.length).toBeGreaterThanOrEqual(1);
    expect(sim.calls.every((c) => c.status === 0)).toBe(true);
  });

  it('echo_key answers 500 whose message and details carry the received key verbatim', async () => {
    sim.setFaults({ mode: 'echo_key' });
    const res = await get();
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; details: string } };
    expect(body.error.message).toContain('s3cret-key');
    expect(body.error.details).toContain('s3cret-key');
  });

  it('latencyMs delays the answer (the client gives up before a long one)', async () => {
    sim.setFaults({ latencyMs: 30_000 });
    await expect(get({ signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
    sim.setFaults({ latencyMs: 20, mode: 'error', status: 502 });
    expect((await get()).status).toBe(502);
  });

  it('times applies the fault to the next N calls, then answers normally', async () => {
    sim.setFaults({ mode: 'error', status: 503, times: 2 });
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(200);
    expect(sim.calls.map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('setFaults replaces the faults and rejects an invalid description', async () => {
    sim.setFaults({ mode: 'error' });
    sim.setFaults({ mode: 'none' });
    expect((await get()).status).toBe(200);
    expect(() => sim.setFaults({ mode: 'bogus' } as never)).toThrow(/invalid simulator faults/);
    expect(() => sim.setFaults({ status: 200 })).toThrow(/invalid simulator faults/);
  });

  it('faults apply on the scans route only; the default key still works when none is set', async () => {
    sim.setFaults({ mode: 'error' });
    const stats = await fetch(`${sim.url}/_sim/stats`);
    expect(stats.status).toBe(200);
    sim.setFaults({});
    expect((await getScans(sim, 'grp_a', {}, KEY)).status).toBe(200);
    expect((await getScans(sim, 'grp_a', {}, AUTH)).status).toBe(401);
  });
});

describe('simulator close', () => {
  it('ends hung requests and pending latency', async () => {
    const sim = await startSimulator({ faults: { mode: 'hang' } });
    const hung = fetch(sim.url + scansPath('grp_a'), { headers: AUTH });
    await sim.waitForCalls(1);
    await sim.close();
    await expect(hung).rejects.toThrow();
  });
});
