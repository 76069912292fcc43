import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayOnOwnRedis, type GatewayOnOwnRedis, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';
import type { OwnRedis } from '../helpers/redis.js';
import { memoryOff } from '../helpers/sessions.js';

const SCANS = '/v1/accounts/grp_a/signals/scans';

/** docs/operations.md#store-outage: a dead store means 503 + Retry-After, never 401, and recovery on its own. */
describe('when Redis goes away', () => {
  let redis: OwnRedis;
  let gw: TestGateway;
  let own: GatewayOnOwnRedis;

  beforeAll(async () => {
    own = await startGatewayOnOwnRedis();
    ({ gw, redis } = own);
    gw.deps.logger.level = 'silent';
  });
  afterAll(() => own.close());

  async function expectUnavailable(res: Response) {
    const body = (await res.json()) as { error: { code: string } | null };
    expect(res.status).toBe(503);
    expect(body.error?.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.getSetCookie()).toEqual([]);
  }

  it('session routes answer 503 SERVICE_UNAVAILABLE, not 401, then work again when it is back', async () => {
    const { cookie, csrfToken } = await gw.login('alice', 'alice-password-1');
    expect((await gw.get(SCANS, cookie)).status).toBe(200);

    // Until the gateway sees its subscription go, it may still answer the session from memory.
    const off = memoryOff(gw.deps.sessions);
    await redis.stop();
    await off;
    await expectUnavailable(await gw.get('/auth/session', cookie));
    await expectUnavailable(await gw.get(SCANS, cookie, { 'cache-control': 'no-cache' }));
    await expectUnavailable(
      await fetch(`${gw.url}/auth/logout`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
      }),
    );
    await expectUnavailable(await postLogin(gw, { username: 'alice', password: 'alice-password-1' }));

    // This redis keeps nothing on disk, so the old session is gone: log in again once it answers.
    await redis.start();
    expect(await gw.deps.store.ready(5000)).toBe(true);
    const fresh = await gw.login('alice', 'alice-password-1');
    expect((await gw.get('/auth/session', fresh.cookie)).status).toBe(200);
    expect((await gw.get(SCANS, fresh.cookie)).status).toBe(200);
  });
});
