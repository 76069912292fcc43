import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';

interface Envelope {
  success: boolean;
  data: Record<string, unknown> | null;
  error: { code: string; message: string; details: unknown } | null;
  traceId: string;
}

const credentials = (username: string, password: string) => JSON.stringify({ username, password });

describe('POST /auth/login', () => {
  let gw: TestGateway;
  let secureGw: TestGateway;
  let laxGw: TestGateway;

  beforeAll(async () => {
    [gw, secureGw, laxGw] = await Promise.all([
      startGateway(),
      startGateway({ env: { COOKIE_SECURE: 'true' } }),
      startGateway({ store: 'memory', env: { COOKIE_SAMESITE: 'Lax' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gw.close(), secureGw.close(), laxGw.close()]);
  });

  it('answers the user, a CSRF token and the expiry, and sets a strict HttpOnly session cookie', async () => {
    const before = Date.now();
    const res = await postLogin(gw, credentials('alice', 'alice-password-1'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Envelope;
    expect(body).toMatchObject({ success: true, error: null });
    expect(Object.keys(body.data ?? {}).sort()).toEqual(['csrfToken', 'expiresAt', 'method', 'user']);
    expect(body.data?.['user']).toEqual({
      id: 'u_alice',
      username: 'alice',
      accountGroups: ['grp_a', 'grp_b'],
      roles: [],
    });
    expect(body.data?.['csrfToken']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = Date.parse(String(body.data?.['expiresAt']));
    expect(new Date(expiresAt).toISOString()).toBe(body.data?.['expiresAt']);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 1800 * 1000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 1800 * 1000);

    const cookie = res.headers.getSetCookie();
    expect(cookie).toHaveLength(1);
    const [pair = '', ...attributes] = (cookie[0] ?? '').split('; ');
    expect(pair).toMatch(/^sbff_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=28800', 'Path=/', 'SameSite=Strict']);
    expect(JSON.stringify(body)).not.toContain(pair.split('=')[1]);
  });

  it('names the cookie __Host-sbff_session and marks it Secure when COOKIE_SECURE is on', async () => {
    const res = await postLogin(secureGw, credentials('bob', 'bob-password-1'));
    expect(res.status).toBe(200);
    const [pair = '', ...attributes] = (res.headers.getSetCookie()[0] ?? '').split('; ');
    expect(pair).toMatch(/^__Host-sbff_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=28800', 'Path=/', 'SameSite=Strict', 'Secure']);
    expect((await secureGw.get('/auth/session', pair)).status).toBe(200);
    // The unprefixed name is not the session cookie of a Secure gateway.
    expect((await secureGw.get('/auth/session', pair.replace('__Host-', ''))).status).toBe(401);
  });

  it('uses SameSite=Lax when COOKIE_SAMESITE says so', async () => {
    const res = await postLogin(laxGw, credentials('bob', 'bob-password-1'));
    expect(res.headers.getSetCookie()[0]).toContain('; SameSite=Lax');
  });

  it('gives a new session id at every login and ends the one the browser came with', async () => {
    const first = await gw.login('alice', 'alice-password-1');
    const second = await postLogin(gw, credentials('alice', 'alice-password-1'), { cookie: first.cookie });
    expect(second.status).toBe(200);
    const secondCookie = (second.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    expect(secondCookie).not.toBe(first.cookie);
    expect((await gw.get('/auth/session', first.cookie)).status).toBe(401);
    expect((await gw.get('/auth/session', secondCookie)).status).toBe(200);
  });

  it('leaves the sessions of other browsers alone', async () => {
    const laptop = await gw.login('alice', 'alice-password-1');
    const phone = await gw.login('alice', 'alice-password-1');
    expect((await gw.get('/auth/session', laptop.cookie)).status).toBe(200);
    expect((await gw.get('/auth/session', phone.cookie)).status).toBe(200);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const answers = await Promise.all(
      [
        credentials('alice', 'wrong-password'),
        credentials('nobody', 'wrong-password'),
        credentials('constructor', 'x'),
        credentials('Alice', 'alice-password-1'),
      ].map(async (body) => {
        const res = await postLogin(gw, body);
        const json = (await res.json()) as Envelope;
        const headers = [...res.headers.keys()].filter(
          (h) => !['date', 'x-trace-id', 'content-length'].includes(h),
        );
        return {
          status: res.status,
          body: { ...json, traceId: '' },
          headers,
          cookie: res.headers.getSetCookie(),
        };
      }),
    );
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]?.body.error?.code).toBe('INVALID_CREDENTIALS');
    expect(answers[0]?.cookie).toEqual([]);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['JSON look-alike', 'application/jsonp'],
  ])('refuses %s with 415', async (_name, type) => {
    const res = await postLogin(gw, credentials('alice', 'alice-password-1'), { 'content-type': type });
    expect(res.status).toBe(415);
    expect(((await res.json()) as Envelope).error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a body without a content type with 415', async () => {
    const res = await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      body: new Blob([credentials('alice', 'alice-password-1')]),
    });
    expect(res.status).toBe(415);
  });

  it('takes application/json with a charset', async () => {
    const res = await postLogin(gw, credentials('alice', 'alice-password-1'), {
      'content-type': 'Application/JSON; charset=utf-8',
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"username": "alice", "password": '],
    ['an empty body', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[]'],
    ['a number for the username', '{"username": 1, "password": "x"}'],
    ['a list for the password', '{"username": "alice", "password": ["alice-password-1"]}'],
    ['no password', '{"username": "alice"}'],
    ['an empty username', '{"username": "", "password": "x"}'],
    ['an unknown field', '{"username": "alice", "password": "alice-password-1", "remember": true}'],
    ['a username over 1 KiB', credentials('a'.repeat(1025), 'x')],
    ['a password over 1 KiB', credentials('alice', 'p'.repeat(1025))],
    ['a password over 1 KiB in UTF-8 bytes', credentials('alice', '€'.repeat(342))],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_name, body) => {
    const res = await postLogin(gw, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Envelope;
    expect(json.error?.code).toBe('VALIDATION_ERROR');
    expect(json.error?.message).not.toContain('alice-password-1');
    expect(JSON.stringify(json.error?.details ?? null)).not.toContain('alice-password-1');
  });

  it('refuses a body over 4 KiB with 413', async () => {
    const res = await postLogin(gw, credentials('alice', 'p'.repeat(5000)));
    expect(res.status).toBe(413);
    expect(((await res.json()) as Envelope).error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lets prototype keys change nothing: no login, no pollution', async () => {
    for (const body of [
      '{"username": "alice", "password": "alice-password-1", "__proto__": {"roles": ["auditor"]}}',
      '{"__proto__": {"username": "alice", "password": "alice-password-1"}}',
      '{"username": "alice", "password": "alice-password-1", "constructor": {"prototype": {"roles": ["auditor"]}}}',
    ]) {
      const res = await postLogin(gw, body);
      expect(res.status, body).toBe(400);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
    const ok = await postLogin(gw, credentials('alice', 'alice-password-1'));
    expect((((await ok.json()) as Envelope).data?.['user'] as { roles: string[] }).roles).toEqual([]);
  });

  it('records successes and failures in the audit trail, never the password', async () => {
    await postLogin(gw, credentials('bob', 'a-wrong-guess'), { 'user-agent': 'audit-test/1' });
    await postLogin(gw, credentials('bob', 'bob-password-1'), { 'user-agent': 'audit-test/1' });
    const failed = await gw.deps.audit.query({ event: 'auth.login_failed', actor: 'bob', limit: 5 });
    const passed = await gw.deps.audit.query({ event: 'auth.login', actor: 'bob', limit: 5 });
    expect(failed.items[0]).toMatchObject({
      event: 'auth.login_failed',
      actor: { userId: 'u_bob', username: 'bob' },
      outcome: { status: 401, code: 'INVALID_CREDENTIALS' },
      client: { userAgent: 'audit-test/1' },
    });
    expect(passed.items[0]).toMatchObject({ event: 'auth.login', outcome: { status: 200 } });
    const all = JSON.stringify([failed, passed]);
    expect(all).not.toContain('a-wrong-guess');
    expect(all).not.toContain('bob-password-1');
  });
});
