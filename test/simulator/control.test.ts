import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { AUTH, scansPath } from './fixture.js';

describe('simulator call log', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('records every scans call in order with group, query, headers and status', async () => {
    await fetch(sim.url + scansPath('grp_a', { limit: '2', extra: 'x' }), {
      headers: { ...AUTH, 'x-trace-id': 'abc' },
    });
    await fetch(sim.url + scansPath('grp_b'));
    await fetch(`${sim.url}/_sim/stats`);
    expect(sim.callCount()).toBe(2);
    expect(sim.calls).toHaveLength(2);
    expect(sim.calls[0]).toMatchObject({
      accountGroupId: 'grp_a',
      query: { limit: '2', extra: 'x' },
      headers: { authorization: 'Bearer sim-key', 'x-trace-id': 'abc' },
      status: 200,
    });
    expect(sim.calls[0]?.at).toEqual(expect.any(Number));
    expect(sim.calls[1]).toMatchObject({ accountGroupId: 'grp_b', status: 401 });
  });

  it('tells listeners of each call as it arrives, before it is answered', async () => {
    const seen: { group: string; status: number }[] = [];
    const stop = sim.onCall((call) => seen.push({ group: call.accountGroupId, status: call.status }));
    await fetch(sim.url + scansPath('grp_a'), { headers: AUTH });
    stop();
    await fetch(sim.url + scansPath('grp_b'), { headers: AUTH });
    expect(seen).toEqual([{ group: 'grp_a', status: 0 }]);
  });

  it('waitForCalls resolves once that many calls arrived, at once when they have', async () => {
    sim.setFaults({ mode: 'hang' });
    const leave = new AbortController();
    const second = sim.waitForCalls(2);
    const hung = [1, 2].map(() =>
      fetch(sim.url + scansPath('grp_a'), { headers: AUTH, signal: leave.signal }).catch(() => 'left'),
    );
    await second;
    expect(sim.callCount()).toBe(2);
    await sim.waitForCalls(1);
    leave.abort();
    expect(await Promise.all(hung)).toEqual(['left', 'left']);
    await expect(sim.waitForCalls(3, { timeoutMs: 50 })).rejects.toThrow(/saw 2 of 3 calls in 50 ms/);
  });

  it('waitForCalls rejects when the simulator closes first', async () => {
    const closing = await startSimulator();
    const never = closing.waitForCalls(1);
    await closing.close();
    await expect(never).rejects.toThrow(/closed/);
  });

  it('keeps only the most recent maxRecordedCalls, while callCount counts all', async () => {
    const small = await startSimulator({ maxRecordedCalls: 3 });
    try {
      for (let i = 0; i < 8; i++) await fetch(small.url + scansPath(`g${i}`), { headers: AUTH });
      expect(small.callCount()).toBe(8);
      expect(small.calls.length).toBeLessThanOrEqual(4);
      expect(small.calls.at(-1)?.accountGroupId).toBe('g7');
    } finally {
      await small.close();
    }
  });
});

describe('simulator control surface over HTTP', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ rateLimit: { rps: 0.1, burst: 1 } });
  });
  afterAll(() => sim.close());

  const put = (body: string): Promise<Response> =>
    fetch(`${sim.url}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
  const calls = async (): Promise<unknown> => await (await fetch(`${sim.url}/_sim/stats`)).json();

  it('PUT /_sim/faults switches faults, GET /_sim/stats counts calls, POST /_sim/reset clears all', async () => {
    const set = await put(JSON.stringify({ mode: 'error', status: 502, times: 1 }));
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ faults: { mode: 'error', status: 502, times: 1 } });
    expect((await fetch(sim.url + scansPath('grp_a'), { headers: AUTH })).status).toBe(502);
    expect((await fetch(sim.url + scansPath('grp_a'), { headers: AUTH })).status).toBe(200);
    expect((await fetch(sim.url + scansPath('grp_a'), { headers: AUTH })).status).toBe(429);
    expect(await calls()).toEqual({ calls: 3 });

    await put(JSON.stringify({ mode: 'not_json' }));
    const reset = await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(await calls()).toEqual({ calls: 0 });
    expect(sim.calls).toEqual([]);
    // Faults and the rate-limit bucket are back to normal.
    expect((await fetch(sim.url + scansPath('grp_a'), { headers: AUTH })).status).toBe(200);
  });

  it('PUT /_sim/faults rejects bad JSON and unknown fields with 400, keeping the current faults', async () => {
    expect((await put('{nope')).status).toBe(400);
    const typo = await put(JSON.stringify({ mdoe: 'hang' }));
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { error: string }).error).toContain('mdoe');
  });

  it('other routes get a 404 vendor envelope', async () => {
    const res = await fetch(`${sim.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});
