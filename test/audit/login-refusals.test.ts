import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { startGatewayOnOwnRedis, type GatewayOnOwnRedis, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';
import type { OwnRedis } from '../helpers/redis.js';

async function recordOf(gw: TestGateway, res: Response): Promise<AuditRecord | undefined> {
  const traceId = res.headers.get('x-trace-id');
  const { items } = await gw.deps.audit.query({ limit: 100, event: 'auth.login_failed' });
  return items.find((r) => r.traceId === traceId);
}

describe('every login attempt is audited, also when refused before the password check', () => {
  let redis: OwnRedis;
  let gw: TestGateway;
  let own: GatewayOnOwnRedis;
  beforeAll(async () => {
    own = await startGatewayOnOwnRedis();
    ({ gw, redis } = own);
  });
  afterAll(() => own.close());

  it.each([
    ['a body that is not JSON', () => postLogin(gw, '{nope'), 400, 'VALIDATION_ERROR'],
    ['a body missing the password', () => postLogin(gw, '{"username":"alice"}'), 400, 'VALIDATION_ERROR'],
    [
      'another media type',
      () => postLogin(gw, 'u=a', { 'content-type': 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body over the limit (refused before the route)',
      () => postLogin(gw, `{"username":"${'a'.repeat(5000)}"}`),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('%s: auth.login_failed with its status and code', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(await recordOf(gw, res)).toMatchObject({
      event: 'auth.login_failed',
      outcome: { status, code },
      client: { ip: '127.0.0.1' },
    });
  });

  it('while Redis is down: 503, spooled, and in the trail once Redis is back', async () => {
    await redis.stop();
    const refused = await Promise.all(
      Array.from({ length: 5 }, () => postLogin(gw, { username: 'alice', password: 'wrong-password' })),
    );
    expect(refused.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    await redis.start();
    expect(await gw.deps.store.ready(5000)).toBe(true);
    await gw.deps.audit.flush();
    const records = await Promise.all(refused.map((res) => recordOf(gw, res)));
    expect(records.map((r) => r?.outcome)).toEqual(
      Array.from({ length: 5 }, () => expect.objectContaining({ status: 503, code: 'SERVICE_UNAVAILABLE' })),
    );
  });
});
