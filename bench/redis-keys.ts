import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A key prefix of this run's own, so the bench shares a Redis without touching anyone's keys. */
export function benchPrefix(name: string): string {
  return `sbffbench:${name}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix`, and only those (SCAN + DEL, never FLUSH). */
export async function deleteKeys(prefix: string, url: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
