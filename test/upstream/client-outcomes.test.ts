import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import type { UpstreamResult } from '../../src/upstream/vendor-call.js';
import { freePort } from '../helpers/redis.js';
import { answerJson, makeClient, startScriptedServer, TRACE_ID } from './fixture.js';
import type { ScriptedServer, TestClient } from './fixture.js';

// docs/upstream.md#upstream-outcomes, row by row: every vendor answer becomes a typed result.

let sim: RunningSimulator;
let scripted: ScriptedServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    keys: [
      { key: 'sim-key', accountGroups: '*', permissions: ['signals:read'] },
      { key: 'no-read-key', accountGroups: '*', permissions: [] },
    ],
  });
  scripted = await startScriptedServer();
});

afterEach(async () => {
  sim.reset();
  scripted.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.client.close()));
});

afterAll(async () => {
  await Promise.all([sim.close(), scripted.close()]);
});

function client(baseUrl = sim.url, overrides: Parameters<typeof makeClient>[1] = {}): TestClient {
  const c = makeClient(baseUrl, overrides);
  clients.push(c);
  return c;
}

function list(c: TestClient, query: Record<string, unknown> = {}): Promise<UpstreamResult> {
  return c.client.listScans({ accountGroupId: 'grp_a', ...query }, { traceId: TRACE_ID });
}

function failureOf(result: UpstreamResult) {
  if (result.ok) throw new Error('expected a failure');
  return result.failure;
}

describe('a valid page', () => {
  it('comes back as the vendor data, with unknown item fields preserved', async () => {
    const result = await list(client(), { limit: 3, status: 'completed' });
    if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
    const data = JSON.parse(result.page.dataJson) as { items: Record<string, unknown>[]; hasMore: boolean };
    expect(result.page.itemCount).toBe(3);
    expect(data.items).toHaveLength(3);
    expect(data.items.every((i) => i['status'] === 'completed')).toBe(true);
    // `source` and `metrics` are not in the vendor's documented schema: they must pass through.
    expect(data.items[0]).toHaveProperty('source');
    expect(data.items[0]).toHaveProperty('metrics');
    expect(result.page.upstreamTraceId).toMatch(/^[0-9a-f]{24}$/);
    expect(sim.calls[0]?.query).toEqual({ limit: '3', status: 'completed' });
  });

  it('keeps unknown page and envelope-level data fields exactly as sent', async () => {
    const data = {
      items: [{ scanId: 's1', future: { nested: [1, 2] } }],
      nextCursor: null,
      hasMore: false,
      facets: { completed: 1 },
    };
    scripted.handler = answerJson(200, { success: true, data, error: null, traceId: 'vendor-1', extra: 1 });
    const result = await list(client(scripted.url));
    expect(result).toMatchObject({
      ok: true,
      page: { dataJson: JSON.stringify(data), itemCount: 1, upstreamTraceId: 'vendor-1' },
    });
  });

  it('counts the call as ok in the upstream metrics', async () => {
    const c = client();
    await list(c);
    const calls = await c.metrics.upstreamCalls.get();
    expect(calls.values).toEqual([expect.objectContaining({ labels: { outcome: 'ok' }, value: 1 })]);
  });
});

describe('vendor errors', () => {
  it('a 400 keeps the vendor message and details', async () => {
    const result = await list(client(), { limit: 500 });
    expect(failureOf(result)).toEqual({
      kind: 'bad_request',
      message: 'limit must be an integer from 1 to 100',
      details: 'limit',
    });
    expect(result.ok ? undefined : result.upstreamTraceId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('a 400 without a message gets a generic one; a long message is capped; structured details kept', async () => {
    scripted.handler = answerJson(400, { success: false, error: { details: { field: 'limit' } } });
    expect(failureOf(await list(client(scripted.url)))).toEqual({
      kind: 'bad_request',
      message: 'The scans service rejected the request.',
      details: { field: 'limit' },
    });
    scripted.handler = answerJson(400, { error: { message: 'x'.repeat(10_000), details: ['a'] } });
    const failure = failureOf(await list(client(scripted.url)));
    expect(failure).toMatchObject({ kind: 'bad_request', details: ['a'] });
    expect(failure.kind === 'bad_request' && failure.message.length).toBe(500);
  });

  it('a 400 that is not JSON still becomes a bad request with the generic message', async () => {
    scripted.handler = (_req, res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('nope');
    expect(failureOf(await list(client(scripted.url)))).toEqual({
      kind: 'bad_request',
      message: 'The scans service rejected the request.',
      details: null,
    });
  });

  it('a 401 (key rejected) becomes unauthorized', async () => {
    expect(failureOf(await list(client(sim.url, { apiKey: 'unknown-key' })))).toEqual({
      kind: 'unauthorized',
    });
  });

  it('a 403 (key lacks the permission) becomes forbidden', async () => {
    expect(failureOf(await list(client(sim.url, { apiKey: 'no-read-key' })))).toEqual({ kind: 'forbidden' });
  });

  it('a 500 becomes a server error, with the vendor trace id kept for the log', async () => {
    sim.setFaults({ mode: 'error', status: 500 });
    const c = client();
    const result = await list(c);
    expect(failureOf(result)).toEqual({ kind: 'server_error', status: 500 });
    const upstreamTraceId = result.ok ? undefined : result.upstreamTraceId;
    expect(upstreamTraceId).toMatch(/^[0-9a-f]{24}$/);
    const line = c.logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['level'] === 'warn');
    expect(line).toMatchObject({ traceId: TRACE_ID, upstreamTraceId, kind: 'server_error', status: 500 });
  });
});

describe('a 429 carries the vendor Retry-After, clamped to 1..60 s', () => {
  it.each([
    ['7', 7],
    ['0', 1],
    ['-1', 1],
    ['99999999', 60],
    ['garbage', 1],
    [null, 1],
  ])('Retry-After %j gives %i s', async (retryAfter, expected) => {
    sim.setFaults({ mode: 'rate_limited', retryAfter });
    expect(failureOf(await list(client()))).toEqual({ kind: 'rate_limited', retryAfterS: expected });
  });

  it('an HTTP date is read against the injected clock', async () => {
    const c = client();
    sim.setFaults({ mode: 'rate_limited', retryAfter: new Date(c.clock.now + 30_000).toUTCString() });
    expect(failureOf(await list(c))).toEqual({ kind: 'rate_limited', retryAfterS: 30 });
  });
});

describe('no usable answer', () => {
  it('a hanging upstream is a timeout at the deadline, not retried', async () => {
    sim.setFaults({ mode: 'hang' });
    const result = await list(client(sim.url, { timeoutMs: 300 }));
    expect(failureOf(result)).toEqual({ kind: 'timeout' });
    expect(sim.callCount()).toBe(1);
  });

  it('a refused connection is unavailable (refused)', async () => {
    const port = await freePort();
    expect(failureOf(await list(client(`http://127.0.0.1:${port}`)))).toEqual({
      kind: 'unavailable',
      reason: 'refused',
      retryAfterS: 1,
    });
  });

  it.each([
    ['truncated', 'not_json'],
    ['not_json', 'not_json'],
    ['wrong_schema', 'wrong_schema'],
    ['oversized', 'oversized'],
  ] as const)('a %s body is an invalid response', async (mode, reason) => {
    sim.setFaults({ mode });
    expect(failureOf(await list(client()))).toEqual({ kind: 'invalid_response', reason });
    expect(sim.callCount()).toBe(1);
  });

  it('a declared Content-Length over 2 MiB is refused before reading', async () => {
    scripted.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * 1024 * 1024) });
      res.write('{"success":true');
    };
    expect(failureOf(await list(client(scripted.url)))).toEqual({
      kind: 'invalid_response',
      reason: 'oversized',
    });
  });

  it('a page envelope that says success:false is an invalid response', async () => {
    const data = { items: [], nextCursor: null, hasMore: false };
    scripted.handler = answerJson(200, { success: false, data });
    expect(failureOf(await list(client(scripted.url)))).toMatchObject({ kind: 'invalid_response' });
  });

  it('an item that is not an object is an invalid response', async () => {
    const data = { items: [['not', 'an', 'object']], nextCursor: null, hasMore: false };
    scripted.handler = answerJson(200, { success: true, data });
    expect(failureOf(await list(client(scripted.url)))).toMatchObject({ kind: 'invalid_response' });
  });

  it('a page nested too deeply to re-serialise is an invalid response, not a crash', async () => {
    const depth = 200_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const body = `{"success":true,"data":{"items":[{"a":${nested}}],"nextCursor":null,"hasMore":false}}`;
    scripted.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    const c = client(scripted.url, { circuitFailures: 1 });
    expect(failureOf(await list(c))).toMatchObject({ kind: 'invalid_response' });
    expect(c.client.circuitState()).toBe('open');
  });

  it('a status the vendor does not document (404) is an invalid response', async () => {
    scripted.handler = answerJson(404, { success: false });
    expect(failureOf(await list(client(scripted.url)))).toEqual({
      kind: 'invalid_response',
      reason: 'unexpected status 404',
    });
  });
});
