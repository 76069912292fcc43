import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin, sessionCookieOf } from '../helpers/login.js';

describe('GET /auth/session and POST /auth/logout', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const logout = (cookie: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/auth/logout`, { method: 'POST', headers: { cookie, ...headers } });
  const codeOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string } | null }).error?.code;

  it('the session route answers what login answered', async () => {
    const res = await postLogin(gw, { username: 'audrey', password: 'audrey-password-1' });
    const loginData = ((await res.json()) as { data: unknown }).data;
    const cookie = sessionCookieOf(res);
    const session = await gw.get('/auth/session', cookie);
    expect(session.status).toBe(200);
    expect(((await session.json()) as { data: unknown }).data).toEqual(loginData);
    expect(session.headers.getSetCookie()).toEqual([]);
  });

  it('logout without the X-CSRF-Token gets 403 CSRF_FAILED and the session lives on', async () => {
    const { cookie } = await gw.login('alice', 'alice-password-1');
    const res = await logout(cookie);
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('CSRF_FAILED');
    expect((await gw.get('/auth/session', cookie)).status).toBe(200);
  });

  it('logout with a wrong token, or the token of another session, gets 403', async () => {
    const mine = await gw.login('alice', 'alice-password-1');
    const other = await gw.login('alice', 'alice-password-1');
    for (const token of ['wrong', '', other.csrfToken, `${mine.csrfToken}x`, mine.csrfToken.slice(1)]) {
      const res = await logout(mine.cookie, { 'x-csrf-token': token });
      expect(res.status, token).toBe(403);
      expect(await codeOf(res)).toBe('CSRF_FAILED');
    }
    expect((await gw.get('/auth/session', mine.cookie)).status).toBe(200);
  });

  it('logout with the token ends the session server-side and clears the cookie', async () => {
    const { cookie, csrfToken } = await gw.login('bob', 'bob-password-1');
    const res = await logout(cookie, { 'x-csrf-token': csrfToken });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toEqual({ loggedOut: true, endSessionUrl: null });
    const cleared = res.headers.getSetCookie()[0] ?? '';
    expect(cleared).toMatch(/^sbff_session=; /);
    expect(cleared).toContain('Max-Age=0');
    expect(cleared).toContain('Path=/');
    // Dead for everyone holding the cookie, e.g. another instance on the same store.
    const sibling = await gw.startSibling();
    try {
      expect((await sibling.get('/auth/session', cookie)).status).toBe(401);
    } finally {
      await sibling.close();
    }
    expect((await gw.get('/auth/session', cookie)).status).toBe(401);
    expect((await logout(cookie, { 'x-csrf-token': csrfToken })).status).toBe(401);
  });

  it('a session made on one instance works on another sharing the store', async () => {
    const { cookie } = await gw.login('bob', 'bob-password-1');
    const sibling = await gw.startSibling();
    try {
      expect((await sibling.get('/auth/session', cookie)).status).toBe(200);
    } finally {
      await sibling.close();
    }
  });
});
