import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { StoreUnavailableError, type LogBatch, type Store } from '../../src/store/store.js';
import {
  REPLICA_SYNCED,
  REPLICATED_REDIS_ARGS,
  startOwnRedis,
  testPrefix,
  type OwnRedis,
} from '../helpers/redis.js';

describe('log writes that wait for replicas (WAIT)', () => {
  let master: OwnRedis;
  let replica: OwnRedis;
  let store: Store;
  const key = `${testPrefix('wait')}{audit}:log`;
  const options = { maxLen: 1000, writerTtlMs: 60_000 };
  let seq = 0;
  const batch = (): LogBatch => ({ writer: 'w', seq: (seq += 1), entries: [JSON.stringify({ seq })] });

  beforeAll(async () => {
    master = await startOwnRedis(REPLICATED_REDIS_ARGS);
    replica = await startOwnRedis([
      '--replicaof',
      '127.0.0.1',
      String(master.port),
      ...REPLICATED_REDIS_ARGS,
    ]);
    await replica.output.waitFor(REPLICA_SYNCED);
    store = createRedisStore({ url: master.url, logWaitMaxMs: 2000, onError: () => undefined });
    expect(await store.ready(5000)).toBe(true);
  });
  afterAll(async () => {
    await store.close();
    await Promise.all([master.stop(), replica.stop()]);
  });

  it('a write asked to wait lands and says the replica holds it', async () => {
    const result = await store.appendLog(key, batch(), { ...options, replicas: { min: 1, timeoutMs: 2000 } });
    expect(result).toEqual({ landed: true, replicas: 1 });
    const onReplica = new Redis(replica.url);
    try {
      expect(await onReplica.xlen(key)).toBe(seq);
    } finally {
      onReplica.disconnect();
    }
    const again = await store.redeliverLog(key, [batch()], {
      ...options,
      replicas: { min: 1, timeoutMs: 2000 },
    });
    expect(again).toEqual({ appended: 1, skipped: 0, uncertain: 0, replicas: 1 });
  });

  it('a hung replica confirms nothing: the wait counts replicas holding that very write', async () => {
    // Still connected, so a WAIT on a connection that wrote nothing would count it at once.
    replica.pause();
    try {
      const wait = { ...options, replicas: { min: 1, timeoutMs: 100 } };
      expect(await store.appendLog(key, batch(), wait)).toEqual({ landed: true, replicas: 0 });
      expect(await store.redeliverLog(key, [batch()], wait)).toMatchObject({ appended: 1, replicas: 0 });
    } finally {
      replica.resume();
    }
  });

  it('a write waiting for replicas holds up no other command', async () => {
    replica.pause();
    try {
      let settled = false;
      const write = store
        .appendLog(key, batch(), { ...options, replicas: { min: 1, timeoutMs: 1000 } })
        .finally(() => (settled = true));
      await store.set(`${key}:other`, 'x', { ttlMs: 10_000 });
      expect(await store.get(`${key}:other`)).toBe('x');
      expect(settled).toBe(false);
      expect((await write).replicas).toBe(0);
    } finally {
      replica.resume();
    }
  });

  it('a store made without logWaitMaxMs refuses writes that ask to wait', async () => {
    const plain = createRedisStore({ url: master.url });
    try {
      expect(await plain.ready(5000)).toBe(true);
      await expect(
        plain.appendLog(key, batch(), { ...options, replicas: { min: 1, timeoutMs: 100 } }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await plain.appendLog(key, batch(), options)).toEqual({ landed: true, replicas: 0 });
    } finally {
      await plain.close();
    }
  });
});
