import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import type { UpstreamResult } from '../../src/upstream/vendor-call.js';
import { answerJson, makeClient, startScriptedServer, TRACE_ID } from './fixture.js';
import type { ScriptedServer, TestClient } from './fixture.js';

// Distinctive keys, so a leak anywhere cannot hide behind a common word.
const KEY = 'test-vendor-key-7fQ2xZ9pL4mN8rT1';
const NEXT_KEY = 'test-vendor-key-next-5hJ3kW6yB0vC';

let sim: RunningSimulator;
let scripted: ScriptedServer;
const clients: TestClient[] = [];
const sims: RunningSimulator[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    keys: [
      { key: KEY, accountGroups: '*', permissions: ['signals:read'] },
      { key: NEXT_KEY, accountGroups: '*', permissions: ['signals:read'] },
    ],
  });
  scripted = await startScriptedServer();
});

afterEach(async () => {
  sim.reset();
  scripted.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.client.close()));
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await Promise.all([sim.close(), scripted.close()]);
});

function client(baseUrl = sim.url, overrides: Parameters<typeof makeClient>[1] = {}): TestClient {
  const c = makeClient(baseUrl, { apiKey: KEY, ...overrides });
  clients.push(c);
  return c;
}

function list(c: TestClient, query: Record<string, unknown> = {}): Promise<UpstreamResult> {
  return c.client.listScans({ accountGroupId: 'grp_a', ...query }, { traceId: TRACE_ID });
}

describe('what the vendor receives', () => {
  it('the key as Bearer in Authorization by default, and no other header than needed', async () => {
    expect((await list(client())).ok).toBe(true);
    const headers = sim.calls[0]?.headers ?? {};
    expect(headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(Object.keys(headers).sort()).toEqual([
      'accept',
      'authorization',
      'connection',
      'host',
      'traceparent',
    ]);
    expect(headers['accept']).toBe('application/json');
    expect(headers['traceparent']?.startsWith(`00-${TRACE_ID}-`)).toBe(true);
  });

  it('the bare key in a custom header when configured (X-Api-Key)', async () => {
    const custom = await startSimulator({
      keyHeader: 'X-Api-Key',
      keys: [{ key: KEY, accountGroups: '*', permissions: ['signals:read'] }],
    });
    sims.push(custom);
    expect((await list(client(custom.url, { apiKeyHeader: 'X-Api-Key' }))).ok).toBe(true);
    const headers = custom.calls[0]?.headers ?? {};
    expect(headers['x-api-key']).toBe(KEY);
    expect(headers['authorization']).toBeUndefined();
  });

  it('only the validated query, encoded, under the configured base path', async () => {
    scripted.handler = answerJson(200, {
      success: true,
      data: { items: [], nextCursor: null, hasMore: false },
    });
    const c = client(`${scripted.url}/vendor/api/`);
    await c.client.listScans(
      { accountGroupId: 'a/b?c', cursor: 'x&admin=1', limit: 5, status: 'queued' },
      { traceId: TRACE_ID },
    );
    expect(scripted.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: '/vendor/api/v1/accounts/a%2Fb%3Fc/signals/scans?cursor=x%26admin%3D1&limit=5&status=queued',
      }),
    ]);
  });

  it('no query string at all when the query has no filters', async () => {
    expect((await list(client())).ok).toBe(true);
    expect(sim.calls[0]?.query).toEqual({});
  });

  it('a redirect is never followed: the Location target receives nothing', async () => {
    sim.setFaults({ mode: 'redirect', redirectTo: `${scripted.url}/steal` });
    const result = await list(client());
    expect(result).toMatchObject({ ok: false, failure: { kind: 'invalid_response', reason: 'redirect' } });
    expect(scripted.requests).toEqual([]);
  });
});

describe('key rotation', () => {
  it('setApiKey applies to the next call', async () => {
    const c = client();
    await list(c);
    c.client.setApiKey(NEXT_KEY);
    expect((await list(c)).ok).toBe(true);
    expect(sim.calls.map((call) => call.headers['authorization'])).toEqual([
      `Bearer ${KEY}`,
      `Bearer ${NEXT_KEY}`,
    ]);
  });

  it('a call already started keeps the key it started with', async () => {
    sim.setFaults({ latencyMs: 50 });
    const c = client();
    const pending = list(c);
    c.client.setApiKey(NEXT_KEY);
    expect((await pending).ok).toBe(true);
    expect(sim.calls[0]?.headers['authorization']).toBe(`Bearer ${KEY}`);
  });

  it('an unusable key is refused without being repeated', () => {
    const c = client();
    expect(() => c.client.setApiKey('bad\r\nX-Evil: 1')).toThrow(/printable ASCII/);
    expect(() => c.client.setApiKey('')).toThrow(TypeError);
    try {
      c.client.setApiKey('secret-value\n');
    } catch (error) {
      expect(String(error)).not.toContain('secret-value');
    }
  });
});

describe('the key never leaks', () => {
  it('not when the vendor echoes it in an error body: not in the result, not in the log', async () => {
    sim.setFaults({ mode: 'echo_key' });
    const c = client();
    const result = await list(c);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'server_error', status: 500 } });
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(c.logs.lines.length).toBeGreaterThan(0);
    expect(c.logs.text()).not.toContain(KEY);
  });

  it('a 400 that echoes the key keeps its message and details with the key redacted', async () => {
    scripted.handler = answerJson(400, {
      success: false,
      error: { message: `bad key ${KEY} for limit`, details: { header: `Bearer ${KEY}`, [KEY]: [KEY] } },
      traceId: 'vendor-7',
    });
    const c = client(scripted.url);
    const result = await list(c);
    expect(result).toEqual({
      ok: false,
      failure: {
        kind: 'bad_request',
        message: 'bad key [redacted] for limit',
        details: { header: 'Bearer [redacted]', '[redacted]': ['[redacted]'] },
      },
      upstreamTraceId: 'vendor-7',
      durationMs: expect.any(Number),
    });
    expect(c.logs.text()).not.toContain(KEY);
  });

  it('a 400 echoing a key rotated in meanwhile is redacted too', async () => {
    scripted.handler = answerJson(400, { error: { message: `old ${KEY} new ${NEXT_KEY}` } });
    const c = client(scripted.url);
    const pending = list(c);
    c.client.setApiKey(NEXT_KEY);
    const result = await pending;
    expect(result).toMatchObject({ failure: { message: 'old [redacted] new [redacted]' } });
  });

  it('not in any log line or result across every failure kind', async () => {
    const c = client(sim.url, { timeoutMs: 300 });
    const results: UpstreamResult[] = [];
    for (const mode of [
      'error',
      'rate_limited',
      'not_json',
      'wrong_schema',
      'redirect',
      'reset',
      'hang',
    ] as const) {
      sim.setFaults({ mode });
      results.push(await list(c));
    }
    results.push(await list(client(sim.url, { apiKey: 'test-vendor-key-wrong' })));
    expect(JSON.stringify(results)).not.toContain(KEY);
    expect(c.logs.text()).not.toContain(KEY);
  });
});
