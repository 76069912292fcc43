import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionService } from '../../src/auth/identity.js';
import { createSessionService, sessionIdHash, type SessionServiceOptions } from '../../src/auth/sessions.js';
import { createBackgroundTasks, type BackgroundTasks } from '../../src/platform/background-tasks.js';
import { createLogger } from '../../src/platform/logger.js';
import { createKeys } from '../../src/store/keys.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import { StoreUnavailableError, type Store } from '../../src/store/store.js';
import { captureLogs } from '../helpers/logs.js';
import { deleteKeys, REDIS_URL, startOwnRedis, testPrefix, type OwnRedis } from '../helpers/redis.js';
import { heardEnd, memoryOff, memoryOn } from '../helpers/sessions.js';
import { listen } from '../helpers/subscription.js';

const IDLE_S = 600;
const ABSOLUTE_S = 3600;
const CACHE_MS = 5000;

/** A gate a wrapped store operation waits at, opened by the test. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe.each(['redis', 'memory'] as const)('sessions from memory on the %s store', (kind) => {
  const prefix = testPrefix('sessmem');
  const keys = createKeys(prefix);
  let now = 1_700_000_000_000;
  const clock = () => now;
  const made: { sessions: SessionService; store: Store }[] = [];
  const memoryStore = createMemoryStore(clock);
  let tracker: BackgroundTasks;

  /** An instance of its own: its own store connection (Redis) and its own memory. */
  async function instance(
    overrides: Partial<SessionServiceOptions> = {},
    wrap: (store: Store) => Store = (s) => s,
  ) {
    const store = wrap(kind === 'redis' ? createRedisStore({ url: REDIS_URL }) : memoryStore);
    await store.ready(5000);
    const sessions = createSessionService({
      store,
      keys,
      clock,
      tracker,
      idleS: IDLE_S,
      absoluteS: ABSOLUTE_S,
      cacheMs: CACHE_MS,
      ...overrides,
    });
    made.push({ sessions, store });
    await memoryOn(sessions);
    return sessions;
  }
  /** Ends a session behind every instance's back: as if its end message were lost unnoticed. */
  async function deleteBehindTheirBack(token: string) {
    const key = keys.session(sessionIdHash(token));
    const store = kind === 'redis' ? createRedisStore({ url: REDIS_URL }) : memoryStore;
    await store.ready(5000);
    await Promise.all([store.del(key), store.del(`${key}:seen`)]);
    if (kind === 'redis') await store.close();
  }

  beforeAll(() => {
    tracker = createBackgroundTasks(createLogger('silent'));
  });
  afterEach(async () => {
    await tracker.drain(5000);
    for (const { sessions, store } of made.splice(0)) {
      await sessions.close();
      if (store.kind === 'redis') await store.close();
    }
  });
  afterAll(async () => {
    await memoryStore.close();
    if (kind === 'redis') await deleteKeys(prefix);
  });

  it('a session read once is answered from memory for SESSION_CACHE_MS, then from the store', async () => {
    const sessions = await instance();
    const s = await sessions.create('u_a');
    await deleteBehindTheirBack(s.token);
    expect((await sessions.resolve(s.token))?.record).toEqual(s.record);
    now += CACHE_MS - 1;
    expect((await sessions.resolve(s.token))?.record).toEqual(s.record);
    now += 1;
    expect(await sessions.resolve(s.token)).toBeNull();
  });

  it("lists a user's live sessions newest first, ends them on every instance, and drops dead ones from the index", async () => {
    const a = await instance();
    const b = await instance();
    const details = { method: 'password' as const, ip: '10.0.0.1', userAgent: 'ua' };
    const first = await a.create('u_list', details);
    now += 1000;
    const second = await b.create('u_list', details);
    const gone = await a.create('u_list', details);
    const other = await a.create('u_other', details);
    await deleteBehindTheirBack(gone.token);
    const listed = await b.listOf('u_list');
    expect(listed.map((e) => e.idHash)).toEqual([second, first].map((s) => sessionIdHash(s.token)));
    expect(listed[0]?.record).toMatchObject({
      userId: 'u_list',
      ip: '10.0.0.1',
      userAgent: 'ua',
      method: 'password',
    });
    expect(listed[0]?.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(listed[0]?.handle).not.toBe(listed[1]?.handle);

    expect(await a.resolve(first.token)).not.toBeNull();
    const heard = heardEnd(a, first.token);
    await b.end(listed);
    await heard;
    expect(await a.resolve(first.token)).toBeNull();
    expect(await a.resolve(second.token)).toBeNull();
    expect(await a.listOf('u_list')).toEqual([]);
    expect(await a.resolve(other.token)).not.toBeNull();
  });

  it('is never answered from memory past its own end', async () => {
    const sessions = await instance({ idleS: 10, absoluteS: 10 });
    const s = await sessions.create('u_short');
    now += 9000;
    expect(await sessions.resolve(s.token)).not.toBeNull(); // read again, kept until its end
    await deleteBehindTheirBack(s.token);
    now += 999;
    expect(await sessions.resolve(s.token)).not.toBeNull();
    now += 1;
    expect(await sessions.resolve(s.token)).toBeNull();
  });

  it('an end on one instance is heard by another, whose next answer is null', async () => {
    const [a, b] = [await instance(), await instance()];
    const s = await a.create('u_out');
    expect(await b.resolve(s.token)).not.toBeNull();
    const heard = heardEnd(b, s.token);
    await a.destroy(s.token);
    await heard;
    expect(await b.resolve(s.token)).toBeNull();
    expect(await a.resolve(s.token)).toBeNull();
  });

  it('the end message carries the id hash, never the id', async () => {
    const sessions = await instance();
    const s = await sessions.create('u_msg');
    const channel = listen(made[0]?.store ?? memoryStore, keys.sessionEnds());
    await channel.up();
    await sessions.destroy(s.token);
    expect(await channel.next()).toBe(sessionIdHash(s.token));
    await channel.subscription.close();
  });

  it('a read that races an end elsewhere is answered but not remembered', async () => {
    let held: ReturnType<typeof gate> | undefined;
    const a = await instance();
    const b = await instance({}, (store) => ({
      ...store,
      get: async (key) => {
        const value = await store.get(key);
        if (held !== undefined) await held.opened;
        return value;
      },
    }));
    const s = await a.create('u_race');
    held = gate();
    // b's reads reach the store before a's delete; their replies reach b after the end message.
    const reading = b.resolve(s.token);
    const heard = heardEnd(b, s.token);
    await a.destroy(s.token);
    await heard;
    held.open();
    expect(await reading).not.toBeNull();
    held = undefined;
    expect(await b.resolve(s.token)).toBeNull();
  });

  it('last-seen is written behind: the answer does not wait for the write', async () => {
    const held = gate();
    let holding = false;
    const sessions = await instance({}, (store) => ({
      ...store,
      set: async (key, value, options) => {
        if (holding) await held.opened;
        return store.set(key, value, options);
      },
    }));
    const s = await sessions.create('u_touch');
    holding = true;
    now += 60_000;
    const answer = await sessions.resolve(s.token);
    expect(answer?.record.lastSeen).toBe(now);
    expect(answer?.expiresAt).toBe(now + IDLE_S * 1000);
    expect(tracker.size).toBe(1);
    // Answered from memory meanwhile, without a second write.
    expect((await sessions.resolve(s.token))?.record.lastSeen).toBe(now);
    expect(tracker.size).toBe(1);
    held.open();
    await tracker.drain(5000);
    const stored = await (made[0]?.store ?? memoryStore).get(`${keys.session(sessionIdHash(s.token))}:seen`);
    expect(stored).toBe(String(now));
  });

  it('a failed last-seen write is logged and the request still answered', async () => {
    const logs = captureLogs('warn');
    const ownTracker = createBackgroundTasks(logs.logger);
    let failing = false;
    const sessions = await instance({ tracker: ownTracker }, (store) => ({
      ...store,
      set: (key, value, options) =>
        failing
          ? Promise.reject(new StoreUnavailableError(new Error('test: write lost')))
          : store.set(key, value, options),
    }));
    const s = await sessions.create('u_fail');
    failing = true;
    now += 60_000;
    expect((await sessions.resolve(s.token))?.record.lastSeen).toBe(now);
    await ownTracker.drain(5000);
    expect(logs.text()).toContain('background task failed');
    expect(logs.text()).toContain('session last-seen');
  });

  it('keeps at most cacheMaxEntries sessions, forgetting the oldest first', async () => {
    const sessions = await instance({ cacheMaxEntries: 2 });
    const [s1, s2, s3] = [
      await sessions.create('u_1'),
      await sessions.create('u_2'),
      await sessions.create('u_3'),
    ];
    for (const s of [s1, s2, s3]) await deleteBehindTheirBack(s.token);
    expect(await sessions.resolve(s1.token)).toBeNull();
    expect(await sessions.resolve(s2.token)).not.toBeNull();
    expect(await sessions.resolve(s3.token)).not.toBeNull();
  });

  it('with SESSION_CACHE_MS=0 every answer comes from the store', async () => {
    const sessions = await instance({ cacheMs: 0 });
    const s = await sessions.create('u_off');
    expect(await sessions.resolve(s.token)).not.toBeNull();
    await deleteBehindTheirBack(s.token);
    expect(await sessions.resolve(s.token)).toBeNull();
  });
});

/** A Redis of the test's own, whose pub/sub connections the test kills. */
describe('sessions when the end subscription is lost', () => {
  let redis: OwnRedis;
  let admin: Redis;
  const keys = createKeys(testPrefix('sesssub'));
  const stores: Store[] = [];
  const services: SessionService[] = [];
  const tracker = createBackgroundTasks(createLogger('silent'));

  beforeAll(async () => {
    redis = await startOwnRedis();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    for (const s of stores) await s.close();
    admin.disconnect();
    await redis.stop();
  });

  async function instance() {
    const store = createRedisStore({ url: redis.url, onError: () => undefined });
    stores.push(store);
    await store.ready(5000);
    const sessions = createSessionService({
      store,
      keys,
      clock: Date.now,
      tracker,
      idleS: 600,
      absoluteS: 3600,
    });
    services.push(sessions);
    await memoryOn(sessions);
    return sessions;
  }

  it('forgets everything and reads the store until subscribed again; an end meanwhile still counts', async () => {
    const [a, b] = [await instance(), await instance()];
    const kept = await b.create('u_kept');
    const other = await a.create('u_other');
    expect(await b.resolve(other.token)).not.toBeNull();

    const bOff = memoryOff(b);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await bOff;
    expect(b.fromMemory).toBe(false);
    // Nobody hears this end while the subscriptions are down.
    await a.destroy(other.token);
    expect(await b.resolve(other.token)).toBeNull();
    expect(await b.resolve(kept.token)).not.toBeNull();

    await memoryOn(b);
    expect(await b.resolve(other.token)).toBeNull();
    expect(await b.resolve(kept.token)).not.toBeNull();
    // Heard again once back.
    const heard = heardEnd(b, kept.token);
    await a.destroy(kept.token);
    await heard;
    expect(await b.resolve(kept.token)).toBeNull();
  });
});
