import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis.js';

describe('the Redis store when Redis goes away', () => {
  let redis: OwnRedis;
  let store: Store;

  beforeAll(async () => {
    redis = await startOwnRedis();
    store = createRedisStore({ url: redis.url, onError: () => undefined });
  });
  afterAll(async () => {
    await store.close();
    await redis.stop();
  });

  it('rejects every operation with StoreUnavailableError, then works again when Redis is back', async () => {
    expect(await store.ready(5000)).toBe(true);
    await store.set('k', 'v', { ttlMs: 10_000 });
    await redis.stop();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.reserveSlot('b', { intervalMs: 10, burst: 1, maxWaitMs: 0 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await redis.start();
    expect(await store.ready(5000)).toBe(true);
    expect(await store.set('k2', 'v2', { ttlMs: 10_000 })).toBe(true);
    expect(await store.get('k2')).toBe('v2');
  });
});
