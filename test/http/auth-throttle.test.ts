import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';
import { metricValue } from '../helpers/metrics.js';

// TRUST_PROXY=1: the client address is the last X-Forwarded-For entry.
const login = (gw: TestGateway, username: string, password: string, ip = '192.0.2.1') =>
  postLogin(gw, { username, password }, { 'x-forwarded-for': ip });

async function codeOf(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error: { code: string } | null }).error?.code;
}

describe('failed logins are throttled per account and per client IP (LOGIN_MAX_FAILURES=3)', () => {
  let gw: TestGateway;
  let memoryGw: TestGateway;
  let now = Date.now();

  beforeAll(async () => {
    const env = { LOGIN_MAX_FAILURES: '3', TRUST_PROXY: '1' };
    [gw, memoryGw] = await Promise.all([
      startGateway({ env }),
      startGateway({ env, store: 'memory', clock: () => now }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gw.close(), memoryGw.close()]);
  });

  const metric = (result: string) => metricValue(gw.deps.metrics.logins, { result });

  it('answers 429 TOO_MANY_ATTEMPTS with Retry-After after the limit, even to the right password', async () => {
    const failuresBefore = await metric('failure');
    for (let i = 0; i < 3; i += 1) {
      const res = await login(gw, 'alice', `guess-${i}`, `198.51.100.${i}`);
      expect(res.status).toBe(401);
    }
    const refused = await login(gw, 'alice', 'guess-4', '198.51.100.9');
    expect(refused.status).toBe(429);
    expect(await codeOf(refused)).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    const right = await login(gw, 'alice', 'alice-password-1');
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie()).toEqual([]);
    // The account is the username in any case.
    expect((await login(gw, 'ALICE', 'guess-5')).status).toBe(429);
    expect(await metric('failure')).toBe(failuresBefore + 3);
    expect(await metric('throttled')).toBeGreaterThanOrEqual(2);

    // Another account is not affected.
    expect((await login(gw, 'bob', 'bob-password-1')).status).toBe(200);
  });

  it('throttles an unknown username exactly like a known one', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login(gw, 'ghost', 'x', '203.0.113.7')).status).toBe(401);
    const res = await login(gw, 'ghost', 'x', '203.0.113.8');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).not.toBeNull();
  });

  it('lets no more than the limit of parallel guesses be answered', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login(gw, 'audrey', `parallel-${i}`, `203.0.113.${20 + i}`)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('limits one client IP guessing across many accounts (10× the account limit)', async () => {
    const ip = '192.0.2.200';
    for (let i = 0; i < 30; i += 1) expect((await login(gw, `spray-${i}`, 'x', ip)).status).toBe(401);
    const refused = await login(gw, 'spray-new', 'x', ip);
    expect(refused.status).toBe(429);
    expect(await codeOf(refused)).toBe('TOO_MANY_ATTEMPTS');
    expect((await login(gw, 'spray-new', 'x', '192.0.2.201')).status).toBe(401);
  });

  it('forgets the failures once the hour is over: no permanent lock-out', async () => {
    for (let i = 0; i < 3; i += 1) await login(memoryGw, 'bob', 'wrong');
    expect((await login(memoryGw, 'bob', 'bob-password-1')).status).toBe(429);
    now += 3_600_000;
    expect((await login(memoryGw, 'bob', 'bob-password-1')).status).toBe(200);
  });
});
