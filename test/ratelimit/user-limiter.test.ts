import { afterAll, describe, expect, it } from 'vitest';
import { createUserLimiter } from '../../src/ratelimit/user-limiter.js';
import { createKeys } from '../../src/store/keys.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

const prefix = testPrefix('userlimit');

describe.each([
  ['redis', () => createRedisStore({ url: REDIS_URL })],
  ['memory', () => createMemoryStore()],
] as const)('the per-user limit on the %s store', (_kind, makeStore) => {
  const stores: Store[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  async function limiter(rps: number, burst: number) {
    const store = makeStore();
    stores.push(store);
    await store.ready(5000);
    return createUserLimiter({ store, keys: createKeys(`${prefix}${stores.length}:`), rps, burst });
  }

  it('allows a burst, counts it down, then refuses with the seconds until the next request fits', async () => {
    const users = await limiter(0.5, 3);
    const taken = [await users.take('u1'), await users.take('u1'), await users.take('u1')];
    expect(taken.map((t) => t.ok && t.remaining)).toEqual([2, 1, 0]);
    expect(taken.every((t) => t.ok && t.limit === 3 && t.resetS >= 1 && t.resetS <= 6)).toBe(true);
    expect(await users.take('u1')).toEqual({ ok: false, limit: 3, retryAfterS: 2 });
  });

  it('one user over the limit does not affect another', async () => {
    const users = await limiter(1, 1);
    expect((await users.take('alice')).ok).toBe(true);
    expect((await users.take('alice')).ok).toBe(false);
    expect((await users.take('bob')).ok).toBe(true);
  });
});

afterAll(async () => {
  await deleteKeys(prefix);
});
