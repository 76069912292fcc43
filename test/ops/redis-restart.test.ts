import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayOnOwnRedis, type GatewayOnOwnRedis, type TestGateway } from '../helpers/gateway.js';
import type { OwnRedis } from '../helpers/redis.js';
import { memoryOff } from '../helpers/sessions.js';

describe('Redis killed and restarted during traffic', () => {
  let redis: OwnRedis;
  let gw: TestGateway;
  let own: GatewayOnOwnRedis;

  beforeAll(async () => {
    own = await startGatewayOnOwnRedis();
    ({ gw, redis } = own);
  });
  afterAll(() => own.close());

  it('answers 503 (never 401, never a hang), stays up, and is ready again once Redis is back', async () => {
    const { cookie } = await gw.login('alice', 'alice-password-1');
    const list = () =>
      fetch(`${gw.url}/v1/accounts/grp_a/signals/scans`, {
        headers: { cookie },
        signal: AbortSignal.timeout(3000),
      });
    expect((await list()).status).toBe(200);

    // Until the gateway sees its subscription go, it may still answer the session from memory.
    const off = memoryOff(gw.deps.sessions);
    await redis.stop();
    await off;
    const during = await Promise.all(Array.from({ length: 10 }, list));
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);

    // A restarted Redis without persistence has lost the session: log in again once it is back.
    await redis.start();
    expect(await gw.deps.store.ready(5000)).toBe(true);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    const again = await gw.login('alice', 'alice-password-1');
    expect((await gw.get('/v1/accounts/grp_a/signals/scans', again.cookie)).status).toBe(200);
  });
});
