import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis.js';
import { listen } from '../helpers/subscription.js';

/** A Redis of the test's own: killing its pub/sub connections touches no other test. */
describe('a Redis subscription when its connection is lost', () => {
  let redis: OwnRedis;
  let store: Store;
  let admin: Redis;

  beforeAll(async () => {
    redis = await startOwnRedis();
    store = createRedisStore({ url: redis.url, subscriberName: 'sbff-test-sub', onError: () => undefined });
    admin = new Redis(redis.url, { retryStrategy: () => 100 });
    admin.on('error', () => undefined);
    expect(await store.ready(5000)).toBe(true);
  });
  afterAll(async () => {
    admin.disconnect();
    await store.close();
    await redis.stop();
  });

  it('runs on a connection of its own, named for CLIENT LIST', async () => {
    const events = listen(store, 'named');
    await events.up();
    const clients = await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub');
    expect(String(clients)).toContain('name=sbff-test-sub');
    await events.subscription.close();
  });

  it('goes down when the connection is killed, and up again by itself, hearing what follows', async () => {
    const events = listen(store, 'killed');
    await events.up();
    const down = events.down();
    expect(Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'))).toBe(1);
    await down;
    // Lost while down: at most once, as the contract says; the listener was told.
    await store.publish('killed', 'while down');
    await events.up();
    await store.publish('killed', 'after');
    expect(await events.next()).toBe('after');
    expect(events.heard).toEqual(['after']);
    await events.subscription.close();
  });

  it('goes down with Redis, and up again once Redis is back', async () => {
    const events = listen(store, 'restart');
    await events.up();
    const down = events.down();
    await redis.stop();
    await down;
    expect(events.isUp).toBe(false);
    await redis.start();
    await events.up();
    expect(await store.ready(5000)).toBe(true);
    await store.publish('restart', 'back');
    expect(await events.next()).toBe('back');
    await events.subscription.close();
  });
});
