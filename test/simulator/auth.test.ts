import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { getScans } from './fixture.js';

const KEYS = [
  { key: 'all-groups', accountGroups: '*' as const, permissions: ['signals:read'] },
  { key: 'only-a', accountGroups: ['grp_a'], permissions: ['signals:read'] },
  { key: 'no-read', accountGroups: '*' as const, permissions: ['signals:write'] },
];

describe('simulator auth', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ keys: KEYS });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('a request without a key gets 401 UNAUTHORIZED in the vendor envelope', async () => {
    const { status, body } = await getScans(sim, 'grp_a', {}, {});
    expect(status).toBe(401);
    expect(body).toMatchObject({ success: false, data: null, error: { code: 'UNAUTHORIZED' } });
    expect(body.error?.message).toBe('Missing API key');
    expect(body.traceId).toMatch(/^[0-9a-f]{24}$/);
  });

  it.each([
    ['an unknown key', 'Bearer nope'],
    ['a key without the Bearer scheme', 'all-groups'],
    ['another scheme', 'Basic all-groups'],
  ])('%s gets 401 and the key is not repeated back', async (_name, authorization) => {
    const { status, body } = await getScans(sim, 'grp_a', {}, { authorization });
    expect(status).toBe(401);
    expect(body.error?.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify(body)).not.toContain('all-groups');
  });

  it('a key without signals:read gets 403 FORBIDDEN naming the permission', async () => {
    const { status, body } = await getScans(sim, 'grp_a', {}, { authorization: 'Bearer no-read' });
    expect(status).toBe(403);
    expect(body.error?.code).toBe('FORBIDDEN');
    expect(body.error?.message).toContain('signals:read');
  });

  it('a key gets 403 FORBIDDEN for a group it is not allowed, 200 for its own', async () => {
    const denied = await getScans(sim, 'grp_b', {}, { authorization: 'Bearer only-a' });
    expect(denied.status).toBe(403);
    expect(denied.body.error?.code).toBe('FORBIDDEN');
    expect(denied.body.error?.message).toContain('grp_b');
    const allowed = await getScans(sim, 'grp_a', {}, { authorization: 'Bearer only-a' });
    expect(allowed.status).toBe(200);
  });
});

describe('simulator auth with a custom key header', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ keyHeader: 'X-Api-Key' });
  });
  afterAll(() => sim.close());

  it('takes the bare key from that header and ignores Authorization', async () => {
    expect((await getScans(sim, 'grp_a', {}, { 'x-api-key': 'sim-key' })).status).toBe(200);
    expect((await getScans(sim, 'grp_a', {}, { authorization: 'Bearer sim-key' })).status).toBe(401);
  });
});
