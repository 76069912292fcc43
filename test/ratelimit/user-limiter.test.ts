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

describe('per-user leases', () => {
  /** A store that counts its round trips for the limit. */
  function counted(store: Store) {
    const calls = { takeTokens: 0 };
    const wrapped: Store = {
      ...store,
      takeTokens: (key, budget) => {
        calls.takeTokens += 1;
        return store.takeTokens(key, budget);
      },
    };
    return { store: wrapped, calls };
  }

  it('most requests are served from the lease: one store call per lease, across concurrent requests', async () => {
    const { store, calls } = counted(createMemoryStore());
    const users = createUserLimiter({
      store,
      keys: createKeys('lease1:'),
      rps: 1000,
      burst: 1000,
      leaseSize: 10,
    });
    const results = await Promise.all(Array.from({ length: 100 }, () => users.take('u1')));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.takeTokens).toBeLessThanOrEqual(10);
  });

  it('over-admission is bounded by (lease size − 1) × instances above the burst', async () => {
    const clock = { now: 1_000_000 };
    const shared = createMemoryStore(() => clock.now);
    const options = {
      store: shared,
      keys: createKeys('lease2:'),
      rps: 100,
      burst: 20,
      leaseSize: 5,
      clock: () => clock.now,
    };
    const a = createUserLimiter(options);
    const b = createUserLimiter(options);
    const taken = async (limiter: typeof a) => {
      let n = 0;
      while ((await limiter.take('u1')).ok) n += 1;
      return n;
    };
    // A leases 5 and spends one; the budget refills completely (20 at 100/s) within the lease.
    expect((await a.take('u1')).ok).toBe(true);
    clock.now += 200;
    const total = 1 + (await taken(b)) + (await taken(a));
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThanOrEqual(20 + (5 - 1) * 2);
  });

  it('a refused user is refused locally until the next request fits, then asks the store again', async () => {
    const clock = { now: 5_000_000 };
    const { store, calls } = counted(createMemoryStore(() => clock.now));
    const users = createUserLimiter({
      store,
      keys: createKeys('lease3:'),
      rps: 1,
      burst: 1,
      clock: () => clock.now,
    });
    expect((await users.take('u1')).ok).toBe(true);
    expect(await users.take('u1')).toEqual({ ok: false, limit: 1, retryAfterS: 1 });
    const before = calls.takeTokens;
    expect((await users.take('u1')).ok).toBe(false);
    expect(calls.takeTokens).toBe(before);
    clock.now += 1000;
    expect((await users.take('u1')).ok).toBe(true);
  });
});

afterAll(async () => {
  await deleteKeys(prefix);
});
