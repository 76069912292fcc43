import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { heardEnd, memoryOn } from '../helpers/sessions.js';
import { DEFAULT_USERS } from '../helpers/users.js';

/** docs/api.md#session-control: my sessions, ending one or all of them, and an admin ending a user's. */
const USERS = [
  ...DEFAULT_USERS,
  { id: 'u_ada', username: 'ada', password: 'ada-password-1', accountGroups: [], roles: ['admin'] },
];

interface Item {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  userAgent: string | null;
  method: string;
  current: boolean;
}

const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);

describe('session control', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    a = await startGateway({ users: USERS });
    b = await a.startSibling();
    await Promise.all([memoryOn(a.deps.sessions), memoryOn(b.deps.sessions)]);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const call = (gw: TestGateway, method: string, path: string, cookie: string, csrfToken?: string) =>
    fetch(`${gw.url}${path}`, {
      method,
      headers: {
        cookie,
        'user-agent': 'session-control-test',
        ...(csrfToken === undefined ? {} : { 'x-csrf-token': csrfToken }),
      },
    });
  const items = async (gw: TestGateway, cookie: string) => {
    const res = await call(gw, 'GET', '/auth/sessions', cookie);
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { items: Item[] } }).data.items;
  };
  const alive = async (gw: TestGateway, cookie: string) =>
    (await call(gw, 'GET', '/auth/session', cookie)).status === 200;

  it('lists my sessions, newest first, with an opaque id that is not the cookie, and marks the current one', async () => {
    const first = await a.login('alice', 'alice-password-1');
    const second = await b.login('alice', 'alice-password-1');
    const listed = await items(a, second.cookie);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    const [newest, older] = listed;
    expect(Object.keys(newest ?? {}).sort()).toEqual([
      'createdAt',
      'current',
      'id',
      'ip',
      'lastSeenAt',
      'method',
      'userAgent',
    ]);
    expect(newest).toMatchObject({ current: true, method: 'password', ip: '127.0.0.1', userAgent: 'node' });
    expect(older?.current).toBe(false);
    for (const item of listed) {
      expect(item.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(tokenOf(first.cookie)).not.toContain(item.id);
      expect(tokenOf(second.cookie)).not.toContain(item.id);
      expect(Date.parse(item.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(item.createdAt));
    }
    const bobs = await b.login('bob', 'bob-password-1');
    expect((await items(a, bobs.cookie)).map((i) => i.id)).not.toContain(newest?.id);
  });

  it('ends one of my sessions (CSRF token needed) on every instance; another user’s id is 404', async () => {
    const ended = await a.login('alice', 'alice-password-1');
    const kept = await a.login('alice', 'alice-password-1');
    const id = (await items(a, ended.cookie)).find((i) => i.current)?.id ?? '';
    expect((await call(a, 'DELETE', `/auth/sessions/${id}`, kept.cookie)).status).toBe(403);

    const bob = await a.login('bob', 'bob-password-1');
    expect((await call(a, 'DELETE', `/auth/sessions/${id}`, bob.cookie, bob.csrfToken)).status).toBe(404);
    expect(await alive(b, ended.cookie)).toBe(true);

    const heard = heardEnd(b.deps.sessions, tokenOf(ended.cookie));
    const res = await call(a, 'DELETE', `/auth/sessions/${id}`, kept.cookie, kept.csrfToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { ended: 1 } });
    expect(res.headers.get('set-cookie')).toBeNull();
    await heard;
    expect(await alive(b, ended.cookie)).toBe(false);
    expect(await alive(b, kept.cookie)).toBe(true);
    const record = await a.deps.audit.query({ actor: 'alice', event: 'auth.logout', limit: 1 });
    expect(record.items[0]).toMatchObject({
      method: 'password',
      reason: 'user',
      outcome: { status: 200, itemCount: 1 },
    });
  });

  it('"log out everywhere" ends all of mine on every instance and clears my cookie; others stay', async () => {
    const one = await a.login('bob', 'bob-password-1');
    const two = await b.login('bob', 'bob-password-1');
    const alice = await a.login('alice', 'alice-password-1');
    expect((await call(a, 'DELETE', '/auth/sessions', one.cookie)).status).toBe(403);
    const heard = heardEnd(b.deps.sessions, tokenOf(two.cookie));
    const res = await call(a, 'DELETE', '/auth/sessions', one.cookie, one.csrfToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^sbff_session=;.*Max-Age=0/);
    await heard;
    expect(await alive(b, one.cookie)).toBe(false);
    expect(await alive(b, two.cookie)).toBe(false);
    expect(await alive(b, alice.cookie)).toBe(true);
    const record = await a.deps.audit.query({ actor: 'bob', event: 'auth.logout', limit: 1 });
    expect(record.items[0]).toMatchObject({ reason: 'everywhere' });
  });

  it('an admin ends every session of a user; anyone else gets 403 and ends nothing', async () => {
    const victim = await a.login('bob', 'bob-password-1');
    const alice = await a.login('alice', 'alice-password-1');
    const ada = await b.login('ada', 'ada-password-1');
    const revoke = (who: { cookie: string; csrfToken: string }, csrf = true) =>
      call(b, 'POST', '/admin/users/u_bob/sessions/revoke', who.cookie, csrf ? who.csrfToken : undefined);

    const refused = await revoke(alice);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await revoke(ada, false)).status).toBe(403);
    expect(await alive(a, victim.cookie)).toBe(true);

    const heard = heardEnd(a.deps.sessions, tokenOf(victim.cookie));
    const res = await revoke(ada);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { ended: number } }).data.ended).toBeGreaterThanOrEqual(1);
    await heard;
    expect(await alive(a, victim.cookie)).toBe(false);
    expect(await alive(a, ada.cookie)).toBe(true);
    const bad = await call(b, 'POST', '/admin/users/%7Bbad%7D/sessions/revoke', ada.cookie, ada.csrfToken);
    expect(bad.status).toBe(400);

    const records = await a.deps.audit.query({ actor: 'u_bob', event: 'auth.logout', limit: 2 });
    expect(records.items[0]).toMatchObject({
      reason: 'revoked',
      actor: { userId: 'u_ada', username: 'ada' },
      subject: { userId: 'u_bob', username: 'bob' },
    });
  });

  it('a refused end of sessions is audited like the logout it stopped: without the role, without the CSRF token', async () => {
    const alice = await a.login('alice', 'alice-password-1');
    const ada = await a.login('ada', 'ada-password-1');
    const latest = async (actor: string) =>
      (await a.deps.audit.query({ actor, event: 'auth.logout', limit: 1 })).items[0];
    const revoke = '/admin/users/u_bob/sessions/revoke';
    const asGiven = { userId: 'u_bob', username: null };

    expect((await call(a, 'POST', revoke, alice.cookie, alice.csrfToken)).status).toBe(403);
    expect(await latest('alice')).toMatchObject({
      reason: 'revoked',
      method: 'password',
      actor: { userId: 'u_alice', username: 'alice' },
      subject: asGiven,
      outcome: { status: 403, code: 'FORBIDDEN' },
    });
    expect((await call(a, 'POST', revoke, ada.cookie)).status).toBe(403);
    expect(await latest('ada')).toMatchObject({
      reason: 'revoked',
      actor: { userId: 'u_ada', username: 'ada' },
      subject: asGiven,
      outcome: { status: 403, code: 'CSRF_FAILED' },
    });
    for (const [method, path, reason] of [
      ['DELETE', '/auth/sessions', 'everywhere'],
      ['POST', '/auth/logout', 'user'],
    ] as const) {
      expect((await call(a, method, path, alice.cookie)).status, path).toBe(403);
      expect(await latest('alice'), path).toMatchObject({
        reason,
        method: 'password',
        actor: { userId: 'u_alice', username: 'alice' },
        outcome: { status: 403, code: 'CSRF_FAILED' },
      });
    }
    expect(await alive(a, alice.cookie)).toBe(true);
  });
});
