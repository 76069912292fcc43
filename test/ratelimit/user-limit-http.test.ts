import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/** docs/cache-and-rate.md#per-user-limit: USER_RPS / USER_BURST per user, cache hits included; other users unaffected. */
describe('the per-user limit on the scans list', () => {
  let gw: TestGateway;
  let alice: string;
  let bob: string;
  const scans = '/v1/accounts/grp_b/signals/scans';

  beforeAll(async () => {
    gw = await startGateway({ env: { USER_RPS: '0.5', USER_BURST: '2' } });
    ({ cookie: alice } = await gw.login('alice', 'alice-password-1'));
    ({ cookie: bob } = await gw.login('bob', 'bob-password-1'));
  });
  afterAll(() => gw.close());

  it('a user past the burst gets 429 RATE_LIMITED + Retry-After; another user is unaffected', async () => {
    const first = await gw.get(scans, alice);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"user";q=2;w=4');
    expect(first.headers.get('ratelimit')).toMatch(/^"user";r=1;t=[1-4]$/);
    const second = await gw.get(scans, alice);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('ratelimit')).toMatch(/^"user";r=0;t=[1-4]$/);

    const limited = await gw.get(scans, alice);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('ratelimit')).toBe('"user";r=0;t=2');
    expect(limited.headers.get('ratelimit-policy')).toBe('"user";q=2;w=4');
    const body = (await limited.json()) as { success: boolean; error: { code: string } };
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('RATE_LIMITED');

    expect((await gw.get(scans, bob)).status).toBe(200);
    expect(gw.sim.callCount()).toBe(1);
  });
});
