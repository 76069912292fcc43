import { describe, expect, it } from 'vitest';

import type { UpstreamResult } from '../../src/upstream/vendor-call.js';
import { TRACE_ID, useSimulatorClients } from './fixture.js';
import type { TestClient } from './fixture.js';

const setup = useSimulatorClients();
const { simulator } = setup;
const client = (overrides: Parameters<typeof setup.client>[1] = {}): TestClient =>
  setup.client(undefined, overrides);

function list(c: TestClient, signal?: AbortSignal): Promise<UpstreamResult> {
  return c.client.listScans({ accountGroupId: 'grp_a' }, { traceId: TRACE_ID, signal });
}

describe('transient failures get exactly one retry', () => {
  it.each([502, 503, 504])('a single %i is retried and the page arrives (2 calls)', async (status) => {
    simulator().setFaults({ mode: 'error', status, times: 1 });
    const result = await list(client());
    expect(result.ok).toBe(true);
    expect(simulator().callCount()).toBe(2);
  });

  it.each([502, 503, 504])('a %i twice fails after 2 calls, not more', async (status) => {
    simulator().setFaults({ mode: 'error', status, times: 2 });
    const result = await list(client());
    expect(result).toMatchObject({ ok: false, failure: { kind: 'server_error', status } });
    expect(simulator().callCount()).toBe(2);
  });

  it('a reset connection is retried and the page arrives (2 calls)', async () => {
    simulator().setFaults({ mode: 'reset', times: 1 });
    expect((await list(client())).ok).toBe(true);
    expect(simulator().callCount()).toBe(2);
  });

  it('a connection reset twice is unavailable after 2 calls', async () => {
    simulator().setFaults({ mode: 'reset', times: 2 });
    const result = await list(client());
    expect(result).toMatchObject({ ok: false, failure: { kind: 'unavailable', retryAfterS: 1 } });
    expect(simulator().callCount()).toBe(2);
  });

  it('the retry counts both attempts in the upstream metrics', async () => {
    simulator().setFaults({ mode: 'error', status: 503, times: 1 });
    const c = client();
    await list(c);
    const { values } = await c.metrics.upstreamCalls.get();
    expect(Object.fromEntries(values.map((v) => [v.labels.outcome, v.value]))).toEqual({
      server_error: 1,
      ok: 1,
    });
  });

  it('no retry when too little of the deadline is left', async () => {
    // The 503 arrives after 300 of 400 ms: a retry could not finish in what remains.
    simulator().setFaults({ mode: 'error', status: 503, latencyMs: 300, times: 1 });
    const result = await list(client({ timeoutMs: 400 }));
    expect(result.ok).toBe(false);
    expect(simulator().callCount()).toBe(1);
  });
});

describe('other failures are never retried', () => {
  it.each([400, 401, 403, 429, 500])('a %i is answered after one call', async (status) => {
    simulator().setFaults({ mode: 'error', status, times: 2 });
    const result = await list(client());
    expect(result.ok).toBe(false);
    expect(simulator().callCount()).toBe(1);
  });

  it('a timeout is answered after one call', async () => {
    simulator().setFaults({ mode: 'hang', times: 2 });
    expect(await list(client({ timeoutMs: 300 }))).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(simulator().callCount()).toBe(1);
  });

  it('an invalid response is answered after one call', async () => {
    simulator().setFaults({ mode: 'not_json', times: 2 });
    expect(await list(client())).toMatchObject({ ok: false, failure: { kind: 'invalid_response' } });
    expect(simulator().callCount()).toBe(1);
  });
});

describe('the caller going away', () => {
  it('ends the call without counting against the circuit or logging a vendor failure', async () => {
    simulator().setFaults({ mode: 'hang' });
    const c = client({ circuitFailures: 1 });
    const caller = new AbortController();
    const pending = list(c, caller.signal);
    await simulator().waitForCalls(1);
    caller.abort();
    expect(await pending).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(c.client.circuitState()).toBe('closed');
    expect(c.logs.text()).not.toContain('"upstream call failed"');
    expect(simulator().callCount()).toBe(1);
  });

  it('ends a call still waiting for a connection at once, not when the connection frees', async () => {
    simulator().setFaults({ mode: 'hang' });
    const c = client({ connections: 1, timeoutMs: 10_000 });
    const holder = new AbortController();
    const holding = list(c, holder.signal);
    await simulator().waitForCalls(1);
    const caller = new AbortController();
    const queued = list(c, caller.signal);
    caller.abort();
    const first = await Promise.race([holding.then(() => 'holding'), queued.then(() => 'queued')]);
    expect(first).toBe('queued');
    expect(await queued).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(simulator().callCount()).toBe(1);
    holder.abort();
    await holding;
  });

  it('an already aborted caller makes no call', async () => {
    const c = client();
    const result = await list(c, AbortSignal.abort());
    expect(result.ok).toBe(false);
    expect(simulator().callCount()).toBe(0);
  });
});
