import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis.js';

// A Redis of the test's own: its read count is this test's alone.
describe('the Redis store writes the commands of one event-loop turn together', () => {
  let redis: OwnRedis;
  let store: Store;
  let observer: Redis;

  beforeAll(async () => {
    redis = await startOwnRedis();
    store = createRedisStore({ url: redis.url, onError: () => undefined });
    observer = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    expect(await store.ready(5000)).toBe(true);
  });
  afterAll(async () => {
    observer.disconnect();
    await store.close();
    await redis.stop();
  });

  /** Reads Redis made from its clients' sockets; the INFO asking for it is one of them. */
  async function readsProcessed(): Promise<number> {
    const stats = await observer.info('stats');
    const match = /total_reads_processed:(\d+)/.exec(stats);
    if (match === null) throw new Error(`no total_reads_processed in INFO stats: ${stats}`);
    return Number(match[1]);
  }

  it('sends 50 commands issued in one turn in one read of Redis, and the next turn’s too', async () => {
    const before = await readsProcessed();
    const writes = Array.from({ length: 50 }, (_, i) => store.set(`k${i}`, `v${i}`, { ttlMs: 60_000 }));
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 50 }, () => true));
    const afterWrites = await readsProcessed();
    // One read for the 50 writes (two if the kernel split them), one for the INFO.
    expect(afterWrites - before).toBeLessThanOrEqual(3);

    const reads = await Promise.all(Array.from({ length: 50 }, (_, i) => store.get(`k${i}`)));
    expect(reads).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
    expect((await readsProcessed()) - afterWrites).toBeLessThanOrEqual(3);
  });
});
