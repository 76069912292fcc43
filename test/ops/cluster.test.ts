import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { startOwnCluster, type OwnCluster } from '../helpers/cluster.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { heardEnd } from '../helpers/sessions.js';

/** Two gateway instances on a real 3-master Redis Cluster: everything that matters is shared. */
describe('two instances on a Redis Cluster', () => {
  let cluster: OwnCluster;
  let sim: RunningSimulator;
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    cluster = await startOwnCluster();
    one = await startGateway({ store: { clusterNodes: cluster.nodes }, env: { INSTANCES: '2' } });
    two = await one.startSibling();
    sim = one.sim;
  }, 60_000);
  afterAll(async () => {
    await two.close();
    await one.close();
    await cluster.stop();
  });

  it('a session made on one works on the other, and logout on one is seen by both', async () => {
    const { cookie, csrfToken } = await one.login('alice', 'alice-password-1');
    expect((await two.get('/auth/session', cookie)).status).toBe(200);
    // One answers from memory until it hears the end, which crosses the cluster bus.
    const heard = heardEnd(one.deps.sessions, cookie.slice(cookie.indexOf('=') + 1));
    const out = await fetch(`${two.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(200);
    await heard;
    expect((await one.get('/auth/session', cookie)).status).toBe(401);
    expect((await two.get('/auth/session', cookie)).status).toBe(401);
  });

  it('a page cached through one is a HIT through the other', async () => {
    const { cookie } = await one.login('alice', 'alice-password-1');
    sim.reset();
    const first = await one.get('/v1/accounts/grp_a/signals/scans?limit=4', cookie);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await two.get('/v1/accounts/grp_a/signals/scans?limit=4', cookie);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.json()).toMatchObject({ success: true });
    expect(sim.callCount()).toBe(1);
  });

  it('concurrent cold requests through both make one upstream call', async () => {
    const { cookie } = await one.login('bob', 'bob-password-1');
    sim.reset();
    sim.setFaults({ latencyMs: 200 });
    const path = '/v1/accounts/grp_b/signals/scans?limit=9';
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).get(path, cookie)),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(sim.callCount()).toBe(1);
    sim.setFaults({});
  });

  it('the audit written through one is readable from the other', async () => {
    const { cookie } = await two.login('audrey', 'audrey-password-1');
    const res = await one.get('/admin/audit?event=auth.login&limit=100', cookie);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { items: { actor: { username: string } }[] } };
    expect(body.data.items.some((r) => r.actor.username === 'audrey')).toBe(true);
  });
});
