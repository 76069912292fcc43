import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { auditInput, makeTrail } from './fixture.js';

const store = createRedisStore({ url: REDIS_URL });
const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const prefix = testPrefix('audit-memory');

beforeAll(async () => {
  expect(await store.ready(5000)).toBe(true);
  await redis.connect();
});
afterAll(async () => {
  await deleteKeys(prefix);
  await store.close();
  redis.disconnect();
});

/** MEMORY USAGE (every element counted: SAMPLES 0) of each key under the prefix. */
async function memoryByKey(): Promise<Map<string, number>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const usage = new Map<string, number>();
  for (const key of keys) usage.set(key, Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')));
  return usage;
}

const total = (usage: Map<string, number>) => [...usage.values()].reduce((a, b) => a + b, 0);

describe('Redis memory of the audit trail', () => {
  it('per record stays constant as records grow: the stream grows, nothing else does', async () => {
    const h = makeTrail({ store, prefix });
    let written = 0;
    async function writeUpTo(count: number): Promise<void> {
      // Concurrent requests, so records are group-committed as they are in production.
      while (written < count) {
        const n = Math.min(250, count - written);
        await Promise.all(
          Array.from({ length: n }, (_, i) => h.trail.record(auditInput({ traceId: `t${written + i}` }))),
        );
        written += n;
      }
    }
    try {
      await writeUpTo(1000);
      const small = await memoryByKey();
      await writeUpTo(10_000);
      const large = await memoryByKey();

      // The stream and one writer mark; no key per record, no set of record ids.
      expect([...large.keys()].sort()).toEqual([...small.keys()].sort());
      expect(large.size).toBe(2);
      for (const [key, bytes] of large) {
        if (key === h.key) continue;
        expect(key).toMatch(/\{audit\}:log:w:[0-9a-f]{16}$/);
        expect(bytes).toBeLessThan(256);
        expect(bytes - (small.get(key) ?? 0)).toBeLessThanOrEqual(16);
      }
      // Per record: the stream's own cost, which fixed overheads only make look higher at 1 000.
      const perRecordSmall = total(small) / 1000;
      const perRecordLarge = total(large) / 10_000;
      expect(perRecordLarge).toBeLessThanOrEqual(perRecordSmall);
      const recordBytes = Buffer.byteLength((await store.readLog(h.key, { count: 1 }))[0]?.json ?? '');
      expect(perRecordLarge).toBeLessThan(recordBytes * 1.5);
    } finally {
      await h.trail.close();
    }
  });
});
