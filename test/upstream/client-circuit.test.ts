import { describe, expect, it } from 'vitest';

import type { UpstreamResult } from '../../src/upstream/vendor-call.js';
import { metricValue } from '../helpers/metrics.js';
import { freePort } from '../helpers/redis.js';
import { TRACE_ID, useSimulatorClients } from './fixture.js';
import type { TestClient } from './fixture.js';

const OPEN_MS = 10_000;
const { simulator, client } = useSimulatorClients({ circuitFailures: 3, circuitOpenMs: OPEN_MS });

function list(c: TestClient): Promise<UpstreamResult> {
  return c.client.listScans({ accountGroupId: 'grp_a' }, { traceId: TRACE_ID });
}

const gauge = (c: TestClient) => metricValue(c.metrics.circuitState);

/** Opens the circuit of `c` with three 500s. */
async function openCircuit(c: TestClient): Promise<void> {
  simulator().setFaults({ mode: 'error', status: 500 });
  for (let i = 0; i < 3; i++) await list(c);
  expect(c.client.circuitState()).toBe('open');
}

describe('circuit breaker', () => {
  it('opens after the configured run of failures and then answers at once, calling nobody', async () => {
    const c = client();
    expect(await gauge(c)).toBe(0);
    await openCircuit(c);
    expect(simulator().callCount()).toBe(3);
    expect(await gauge(c)).toBe(2);
    const result = await list(c);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'unavailable', reason: 'circuit_open', retryAfterS: OPEN_MS / 1000 },
    });
    expect(simulator().callCount()).toBe(3);
  });

  it('tells callers how many seconds are left', async () => {
    const c = client();
    await openCircuit(c);
    c.clock.now += 4_000;
    expect(await list(c)).toMatchObject({ ok: false, failure: { reason: 'circuit_open', retryAfterS: 6 } });
  });

  it('half-opens after the open time, lets exactly one probe through, and closes on its success', async () => {
    const c = client();
    await openCircuit(c);
    simulator().reset();
    c.clock.now += OPEN_MS;
    expect(c.client.circuitState()).toBe('half_open');
    const [first, second] = await Promise.all([list(c), list(c)]);
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, failure: { reason: 'circuit_open' } });
    expect(simulator().callCount()).toBe(1);
    expect(c.client.circuitState()).toBe('closed');
    expect(await gauge(c)).toBe(0);
    expect((await list(c)).ok).toBe(true);
    expect(simulator().callCount()).toBe(2);
  });

  it('re-opens when the probe fails', async () => {
    const c = client();
    await openCircuit(c);
    c.clock.now += OPEN_MS;
    expect((await list(c)).ok).toBe(false);
    expect(simulator().callCount()).toBe(4);
    expect(c.client.circuitState()).toBe('open');
    expect(await list(c)).toMatchObject({ ok: false, failure: { reason: 'circuit_open', retryAfterS: 10 } });
    expect(simulator().callCount()).toBe(4);
  });

  it('does not count vendor 4xx answers: the vendor is alive', async () => {
    const c = client();
    for (const status of [400, 401, 403, 429, 401]) {
      simulator().setFaults({ mode: 'error', status });
      await list(c);
    }
    expect(c.client.circuitState()).toBe('closed');
  });

  it('a success in between resets the run', async () => {
    const c = client();
    for (let round = 0; round < 2; round++) {
      simulator().setFaults({ mode: 'error', status: 500, times: 2 });
      await list(c);
      await list(c);
      expect((await list(c)).ok).toBe(true);
    }
    expect(c.client.circuitState()).toBe('closed');
  });

  it('counts invalid responses', async () => {
    const c = client();
    simulator().setFaults({ mode: 'wrong_schema' });
    for (let i = 0; i < 3; i++) await list(c);
    expect(c.client.circuitState()).toBe('open');
  });

  it('counts an unreachable upstream', async () => {
    const c = client(`http://127.0.0.1:${await freePort()}`);
    for (let i = 0; i < 3; i++) expect(await list(c)).toMatchObject({ failure: { reason: 'refused' } });
    expect(await list(c)).toMatchObject({ failure: { reason: 'circuit_open' } });
  });
});
