import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../src/auth/login-throttle.js';
import { createKeys } from '../../src/store/keys.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

const HOUR_MS = 3_600_000;

describe.each(['redis', 'memory'] as const)('the login throttle on the %s store', (kind) => {
  const prefix = testPrefix('throttle');
  let now = 1_700_000_000_000;
  let store: Store;
  const throttle = (max: number, perIp?: number) =>
    createLoginThrottle({
      store,
      keys: createKeys(`${prefix}${max}:${perIp ?? ''}:`),
      maxFailuresPerHour: max,
      ...(perIp === undefined ? {} : { maxFailuresPerIp: perIp }),
    });

  beforeAll(async () => {
    store = kind === 'redis' ? createRedisStore({ url: REDIS_URL }) : createMemoryStore(() => now);
    await store.ready(5000);
  });
  afterAll(async () => {
    await store.close();
    if (kind === 'redis') await deleteKeys(prefix);
  });

  it('allows the limit of failures per account, then refuses with the time left in the hour', async () => {
    const t = throttle(3);
    for (let i = 0; i < 3; i += 1) {
      expect(await t.check('alice', '10.0.0.1')).toEqual({ allowed: true });
      expect(await t.recordFailure('alice', '10.0.0.1')).toEqual({ allowed: true });
    }
    const refused = await t.check('alice', '10.0.0.2');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterS).toBeGreaterThan(3500);
      expect(refused.retryAfterS).toBeLessThanOrEqual(3600);
    }
    // The same account in another case is the same account; another account is untouched.
    expect((await t.check('ALICE', '10.0.0.3')).allowed).toBe(false);
    expect(await t.check('bob', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('refuses the failures ranked past the limit, however many passed the check together', async () => {
    const t = throttle(3);
    const ranks = await Promise.all(Array.from({ length: 8 }, () => t.recordFailure('carol', '10.0.1.1')));
    expect(ranks.filter((r) => r.allowed)).toHaveLength(3);
    expect(ranks.filter((r) => !r.allowed)).toHaveLength(5);
  });

  it('limits one client IP across accounts, at ten times the account limit by default', async () => {
    const t = throttle(2);
    for (let i = 0; i < 20; i += 1) {
      expect((await t.check(`user${i}`, '10.9.9.9')).allowed).toBe(true);
      expect((await t.recordFailure(`user${i}`, '10.9.9.9')).allowed).toBe(true);
    }
    expect((await t.check('someone-new', '10.9.9.9')).allowed).toBe(false);
    expect((await t.check('someone-new', '10.9.9.8')).allowed).toBe(true);
    expect((await throttle(5, 1).recordFailure('x', '10.7.7.7')).allowed).toBe(true);
  });

  it('treats a username of any length or shape as one account key', async () => {
    const t = throttle(1);
    const odd = `${'{}'.repeat(400)}\u0000é`;
    expect((await t.recordFailure(odd, '10.2.2.2')).allowed).toBe(true);
    expect((await t.check(odd, '10.2.2.3')).allowed).toBe(false);
  });

  if (kind === 'memory') {
    it('forgets the failures when the hour is over: no permanent lock-out', async () => {
      const t = throttle(1);
      await t.recordFailure('dave', '10.3.3.3');
      expect((await t.check('dave', '10.3.3.3')).allowed).toBe(false);
      now += HOUR_MS - 1000;
      expect((await t.check('dave', '10.3.3.3')).allowed).toBe(false);
      now += 1000;
      expect(await t.check('dave', '10.3.3.3')).toEqual({ allowed: true });
    });
  }
});
