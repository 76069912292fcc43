import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionService } from '../../src/auth/sessions.js';
import { createBackgroundTasks } from '../../src/platform/background-tasks.js';
import { createLogger } from '../../src/platform/logger.js';
import { createKeys } from '../../src/store/keys.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

const IDLE_S = 600;
const ABSOLUTE_S = 3600;

describe.each(['redis', 'memory'] as const)('sessions on the %s store', (kind) => {
  const prefix = testPrefix('sess');
  let now = 1_700_000_000_000;
  const clock = () => now;
  let store: Store;
  let sessions: ReturnType<typeof createSessionService>;

  beforeAll(async () => {
    store = kind === 'redis' ? createRedisStore({ url: REDIS_URL }) : createMemoryStore(clock);
    await store.ready(5000);
    sessions = createSessionService({
      store,
      keys: createKeys(prefix),
      clock,
      tracker: createBackgroundTasks(createLogger('silent')),
      idleS: IDLE_S,
      absoluteS: ABSOLUTE_S,
    });
  });
  afterAll(async () => {
    await sessions.close();
    await store.close();
    if (kind === 'redis') await deleteKeys(prefix);
  });

  it('give a fresh 256-bit id and CSRF token at every creation', async () => {
    const a = await sessions.create('u_a');
    const b = await sessions.create('u_a');
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.record.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.record.csrfToken).not.toBe(b.record.csrfToken);
    expect(a.expiresAt).toBe(now + IDLE_S * 1000);
    expect((await sessions.resolve(a.token))?.record).toEqual(a.record);
  });

  it('resolve unknown and malformed tokens to null', async () => {
    expect(await sessions.resolve('A'.repeat(43))).toBeNull();
    expect(await sessions.resolve('')).toBeNull();
    expect(await sessions.resolve('x'.repeat(8192))).toBeNull();
    expect(await sessions.resolve('../../etc')).toBeNull();
  });

  it('end after the idle time without use', async () => {
    const s = await sessions.create('u_idle');
    now += IDLE_S * 1000 - 1;
    expect(await sessions.resolve(s.token)).not.toBeNull();
    const later = await sessions.create('u_idle2');
    now += IDLE_S * 1000;
    expect(await sessions.resolve(later.token)).toBeNull();
    // Gone for good, even if the clock were to go back.
    now -= IDLE_S * 1000;
    expect(await sessions.resolve(later.token)).toBeNull();
  });

  it('stay alive while used, and refresh last-seen at most once a minute', async () => {
    const s = await sessions.create('u_busy');
    now += 30_000;
    expect((await sessions.resolve(s.token))?.record.lastSeen).toBe(s.record.createdAt);
    now += 31_000;
    const touched = await sessions.resolve(s.token);
    expect(touched?.record.lastSeen).toBe(now);
    expect(touched?.expiresAt).toBe(now + IDLE_S * 1000);
    now += IDLE_S * 1000 - 1000;
    expect(await sessions.resolve(s.token)).not.toBeNull();
  });

  it('end at the absolute lifetime however busy', async () => {
    const s = await sessions.create('u_long');
    const end = s.record.createdAt + ABSOLUTE_S * 1000;
    while (now + 300_000 < end) {
      now += 300_000;
      const live = await sessions.resolve(s.token);
      expect(live?.expiresAt).toBe(Math.min(now + IDLE_S * 1000, end));
    }
    now = end;
    expect(await sessions.resolve(s.token)).toBeNull();
  });

  it('are gone once destroyed', async () => {
    const s = await sessions.create('u_out');
    await sessions.destroy(s.token);
    expect(await sessions.resolve(s.token)).toBeNull();
    await sessions.destroy('not-a-token');
  });

  it('cannot be brought back by a request that refreshes last-seen while logout deletes', async () => {
    const s = await sessions.create('u_race');
    now += 61_000; // due a last-seen refresh
    const [during] = await Promise.all([sessions.resolve(s.token), sessions.destroy(s.token)]);
    expect(during).not.toBeUndefined();
    expect(await sessions.resolve(s.token)).toBeNull();
  });

  it('end the same way whoever finds them without their last-seen: a listing as a resolve', async () => {
    const keys = createKeys(prefix);
    const listed = await sessions.create('u_noseen');
    const resolved = await sessions.create('u_noseen');
    const kept = await sessions.create('u_noseen');
    const idHashOf = (token: string) => createHash('sha256').update(token).digest('hex');
    for (const { token } of [listed, resolved]) await store.del(`${keys.session(idHashOf(token))}:seen`);
    now += 6_000; // past the in-memory copy, so the resolve reads the store
    // Resolve first for one of them, then a listing: neither may survive, nor stay in the index.
    expect(await sessions.resolve(resolved.token)).toBeNull();
    const live = await sessions.listOf('u_noseen');
    expect(live.map((e) => e.idHash)).toEqual([idHashOf(kept.token)]);
    expect(await store.get(keys.session(idHashOf(listed.token)))).toBeNull();
    expect(await store.get(keys.session(idHashOf(resolved.token)))).toBeNull();
    expect(await store.setMembers(keys.userSessions('u_noseen'))).toEqual([idHashOf(kept.token)]);
  });

  if (kind === 'redis') {
    it('keep only the SHA-256 of the id in the store, never the id itself', async () => {
      const s = await sessions.create('u_hash');
      const redis = new Redis(REDIS_URL);
      try {
        const keys = await redis.keys(`${prefix}*`);
        const idHash = createHash('sha256').update(s.token).digest('hex');
        expect(keys).toContain(`${prefix}sess:{${idHash}}`);
        for (const key of keys) {
          expect(key).not.toContain(s.token);
          const value =
            (await redis.type(key)) === 'zset'
              ? (await redis.zrange(key, '0', '-1')).join()
              : await redis.get(key);
          expect(value ?? '').not.toContain(s.token);
        }
        const ttl = await redis.pttl(`${prefix}sess:{${idHash}}`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(ABSOLUTE_S * 1000);
      } finally {
        redis.disconnect();
      }
    });
  }
});
