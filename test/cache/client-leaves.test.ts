import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { DEFAULT_USERS } from '../helpers/users.js';

const alice = DEFAULT_USERS[0];

describe('a client that leaves stops costing', () => {
  let gw: TestGateway;
  let cookie: string;
  beforeAll(async () => {
    // A slow vendor behind a tight budget: most cold pages wait for a slot before their call.
    gw = await startGateway({
      simulator: { faults: { latencyMs: 300 } },
      env: { UPSTREAM_RPS: '5', UPSTREAM_BURST: '2', RATE_MAX_WAIT_MS: '10000' },
    });
    if (alice === undefined) throw new Error('no alice');
    ({ cookie } = await gw.login(alice.username, alice.password));
  });
  afterAll(() => gw.close());

  it('50 cold pages whose clients all leave after 30 ms make only the calls already started', async () => {
    const before = gw.sim.callCount();
    const controller = new AbortController();
    const requests = Array.from({ length: 50 }, (_, i) =>
      fetch(`${gw.url}/v1/accounts/grp_a/signals/scans?limit=${i + 1}`, {
        headers: { cookie },
        signal: controller.signal,
      }).catch(() => 'aborted'),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort();
    expect((await Promise.all(requests)).every((r) => r === 'aborted')).toBe(true);
    // Every leaver is audited once its answer is settled: then no call can start any more.
    await expect
      .poll(async () => (await gw.deps.audit.query({ limit: 100, event: 'scans.list' })).items.length, {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(50);
    // The burst's calls may have started before the clients left; no other.
    expect(gw.sim.callCount() - before).toBeLessThanOrEqual(2);
  });
});
