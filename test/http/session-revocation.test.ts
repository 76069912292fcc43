import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdHash } from '../../src/auth/sessions.js';
import { createKeys } from '../../src/store/keys.js';
import { createRedisStore } from '../../src/store/redis.js';
import { startGateway, type GatewayOptions, type TestGateway } from '../helpers/gateway.js';
import { REDIS_URL, startOwnRedis, testPrefix, type OwnRedis } from '../helpers/redis.js';
import { heardEnd, memoryOff, memoryOn } from '../helpers/sessions.js';
import { DEFAULT_USERS, writeUsersFile } from '../helpers/users.js';

/**
 * docs/api.md#session-cookie: every instance answers sessions from memory, and an end on one is
 * an end on all. Two real gateways share a prefix and a users file; the test waits for B to hear
 * an end (an event, never a sleep) before asking B.
 */
const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);
const logout = (gw: TestGateway, cookie: string, csrfToken: string) =>
  fetch(`${gw.url}/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
const status = async (gw: TestGateway, cookie: string) => (await gw.get('/auth/session', cookie)).status;
const SCANS = '/v1/accounts/grp_b/signals/scans';

/** Two replicas on one prefix, both subscribed to session ends. */
async function pair(options: GatewayOptions = {}) {
  const a = await startGateway(options);
  const b = await a.startSibling();
  await Promise.all([memoryOn(a.deps.sessions), memoryOn(b.deps.sessions)]);
  return [a, b] as const;
}

describe('sessions across two instances on one Redis', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    [a, b] = await pair();
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('logout on A: the next request with that cookie on B is 401', async () => {
    const { cookie, csrfToken } = await a.login('alice', 'alice-password-1');
    expect(await status(b, cookie)).toBe(200);
    expect((await b.get(SCANS, cookie)).status).toBe(200);
    const heard = heardEnd(b.deps.sessions, tokenOf(cookie));
    expect((await logout(a, cookie, csrfToken)).status).toBe(200);
    await heard;
    expect(await status(b, cookie)).toBe(401);
    expect((await b.get(SCANS, cookie)).status).toBe(401);
    expect(await status(a, cookie)).toBe(401);
  });

  it('logout on B is seen on A the same way', async () => {
    const { cookie, csrfToken } = await b.login('bob', 'bob-password-1');
    expect(await status(a, cookie)).toBe(200);
    const heard = heardEnd(a.deps.sessions, tokenOf(cookie));
    expect((await logout(b, cookie, csrfToken)).status).toBe(200);
    await heard;
    expect(await status(a, cookie)).toBe(401);
  });

  it('a user removed from the users file is 401 on both, even on one that has not reloaded yet', async () => {
    const { cookie } = await a.login('bob', 'bob-password-1');
    expect(await status(a, cookie)).toBe(200);
    expect(await status(b, cookie)).toBe(200);
    try {
      await writeUsersFile(
        DEFAULT_USERS.filter((u) => u.id !== 'u_bob'),
        a.usersFile,
      );
      a.deps.reload();
      const heard = heardEnd(b.deps.sessions, tokenOf(cookie));
      expect(await status(a, cookie)).toBe(401);
      // A ended the session when it found the user gone; B still has bob in its users.
      await heard;
      expect(b.deps.users.byId('u_bob')).toBeDefined();
      expect(await status(b, cookie)).toBe(401);
      b.deps.reload();
      expect(await status(b, cookie)).toBe(401);
    } finally {
      await writeUsersFile(DEFAULT_USERS, a.usersFile);
      a.deps.reload();
      b.deps.reload();
    }
  });
});

describe('the session memory backstop', () => {
  let a: TestGateway;
  let b: TestGateway;
  let now = Date.now();

  beforeAll(async () => {
    [a, b] = await pair({ clock: () => now });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a session ended without a message still ends on every instance within SESSION_CACHE_MS', async () => {
    const { cookie } = await a.login('alice', 'alice-password-1');
    expect(await status(b, cookie)).toBe(200);
    // Deleted behind the gateways' backs, as if its end message were lost without anyone noticing.
    const key = createKeys(a.prefix).session(sessionIdHash(tokenOf(cookie)));
    const redis = new Redis(REDIS_URL);
    await redis.del(key, `${key}:seen`);
    redis.disconnect();
    expect(await status(a, cookie)).toBe(200);
    expect(await status(b, cookie)).toBe(200);
    now += a.config.session.cacheMs;
    expect(await status(a, cookie)).toBe(401);
    expect(await status(b, cookie)).toBe(401);
  });
});

/** A Redis of the test's own, so that killing pub/sub connections touches no other test. */
describe("when B's subscriber connection is killed", () => {
  let redis: OwnRedis;
  let admin: Redis;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    redis = await startOwnRedis();
    admin = new Redis(redis.url);
    const prefix = testPrefix('revoke');
    // Stores made here to name each subscriber (siblings would share one name).
    const store = (name: string) =>
      createRedisStore({ url: redis.url, subscriberName: name, onError: () => undefined });
    a = await startGateway({ prefix, store: store('sbff-a') });
    b = await startGateway({ prefix, store: store('sbff-b'), usersFile: a.usersFile, simulator: a.sim });
    await Promise.all([memoryOn(a.deps.sessions), memoryOn(b.deps.sessions)]);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    admin.disconnect();
    await redis.stop();
  });

  /** CLIENT KILL has no NAME filter: find the connection's id by its name. */
  async function killSubscriber(name: string) {
    const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const line = /(?:^|\n)id=(\d+) .*? name=(\S+)/g;
    const ids = [...list.matchAll(line)].filter((m) => m[2] === name).map((m) => m[1] ?? '');
    expect(ids).toHaveLength(1);
    expect(Number(await admin.call('CLIENT', 'KILL', 'ID', ids[0] ?? ''))).toBe(1);
  }

  it('answers stay right during the outage and after it: a logout on A meanwhile is 401 on B', async () => {
    const kept = await a.login('alice', 'alice-password-1');
    const ended = await a.login('bob', 'bob-password-1');
    expect(await status(b, kept.cookie)).toBe(200);
    expect(await status(b, ended.cookie)).toBe(200);

    const off = memoryOff(b.deps.sessions);
    await killSubscriber('sbff-b');
    await off;
    expect(a.deps.sessions.fromMemory).toBe(true);
    expect(b.logs.text()).toContain('session-end subscription lost');

    // B never hears this one.
    expect((await logout(a, ended.cookie, ended.csrfToken)).status).toBe(200);
    expect(await status(b, ended.cookie)).toBe(401);
    expect(await status(b, kept.cookie)).toBe(200);
    expect((await b.get(SCANS, kept.cookie)).status).toBe(200);

    await memoryOn(b.deps.sessions);
    expect(await status(b, ended.cookie)).toBe(401);
    expect(await status(b, kept.cookie)).toBe(200);
    const heard = heardEnd(b.deps.sessions, tokenOf(kept.cookie));
    expect((await logout(a, kept.cookie, kept.csrfToken)).status).toBe(200);
    await heard;
    expect(await status(b, kept.cookie)).toBe(401);
  });
});

describe('on the embedded store (one instance)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ store: 'memory' });
    await memoryOn(gw.deps.sessions);
  });
  afterAll(() => gw.close());

  it('sessions are answered from memory and a logout ends them at once', async () => {
    const { cookie, csrfToken } = await gw.login('alice', 'alice-password-1');
    expect(gw.deps.sessions.fromMemory).toBe(true);
    expect(await status(gw, cookie)).toBe(200);
    expect((await gw.get(SCANS, cookie)).status).toBe(200);
    expect((await logout(gw, cookie, csrfToken)).status).toBe(200);
    expect(await status(gw, cookie)).toBe(401);
  });
});
