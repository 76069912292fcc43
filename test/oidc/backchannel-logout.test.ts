import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, type Browser } from '../helpers/cookie-jar-browser.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startTestProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { heardEnd, memoryOn } from '../helpers/sessions.js';
import { providerClient, ssoEnv, ssoPorts, TEST_GROUP_MAP, writeGroupMap } from '../helpers/sso.js';

/**
 * docs/api.md#sso-logout: OpenID Connect Back-Channel Logout 1.0 against a real provider, with
 * two gateway instances on one Redis prefix. The provider calls A; B must forget the session too.
 */
const CAROL = { sub: 'carol-sub', preferred_username: 'carol', groups: ['scan-readers'] };
const LOGOUT_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

describe('back-channel logout', () => {
  let a: TestGateway;
  let b: TestGateway;
  let idp: TestProvider;

  beforeAll(async () => {
    const ports = await ssoPorts();
    a = await startGateway({ port: ports.gateway, env: ssoEnv(ports, writeGroupMap(TEST_GROUP_MAP)) });
    b = await a.startSibling();
    idp = await startTestProvider({ ...providerClient(ports), accounts: [CAROL] });
    expect(await a.deps.sso?.client.discover()).toBe(true);
    expect(await b.deps.sso?.client.discover()).toBe(true);
    await Promise.all([memoryOn(a.deps.sessions), memoryOn(b.deps.sessions)]);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await idp.close();
  });

  /** A browser signed in through A, its session seen (and kept in memory) by both instances. */
  async function signedIn(): Promise<{ browser: Browser; token: string }> {
    const browser = createBrowser();
    const { last } = await browser.navigate(`${a.url}/auth/oidc/login?returnTo=/auth/session`);
    expect(last.res.status).toBe(200);
    const token = browser.cookie('sbff_session') ?? expect.fail('no session cookie');
    expect(await status(b, token)).toBe(200);
    expect(await status(a, token)).toBe(200);
    return { browser, token };
  }
  const status = async (gw: TestGateway, token: string) =>
    (await fetch(`${gw.url}/auth/session`, { headers: { cookie: `sbff_session=${token}` } })).status;
  const post = (token: string) =>
    fetch(`${a.url}/auth/oidc/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
    });
  const claims = (over: Record<string, unknown> = {}): JWTPayload => ({
    iss: idp.issuer,
    aud: 'signals-bff',
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    events: LOGOUT_EVENT,
    sub: CAROL.sub,
    ...over,
  });

  it('a logout at the provider ends that provider session’s gateway session on both instances, and no other', async () => {
    const ended = await signedIn();
    const other = await signedIn();
    const heardOnB = heardEnd(b.deps.sessions, ended.token);

    const form = await ended.browser.navigate(`${idp.issuer}/session/end`);
    const xsrf =
      /name="xsrf" value="([^"]+)"/.exec(await form.last.res.text())?.[1] ?? expect.fail('no form');
    const confirmed = await ended.browser.fetch(`${idp.issuer}/session/end/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(confirmed.status).toBeLessThan(400);
    await heardOnB;

    expect(await status(b, ended.token)).toBe(401);
    expect(await status(a, ended.token)).toBe(401);
    expect(await status(b, other.token)).toBe(200);
    const record = await a.deps.audit.query({ actor: 'oidc:carol-sub', event: 'auth.logout', limit: 1 });
    expect(record.items[0]).toMatchObject({
      method: 'oidc',
      reason: 'backchannel',
      outcome: { status: 200, itemCount: 1 },
    });
  });

  it('a token with only sub ends every SSO session of the user; the same token again is refused', async () => {
    const one = await signedIn();
    const two = await signedIn();
    const heard = Promise.all([heardEnd(b.deps.sessions, one.token), heardEnd(b.deps.sessions, two.token)]);
    const token = await idp.logoutToken(claims());
    const res = await post(token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { ended: number } }).data.ended).toBeGreaterThanOrEqual(2);
    await heard;
    expect(await status(b, one.token)).toBe(401);
    expect(await status(b, two.token)).toBe(401);

    const replayed = await post(token);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ success: false, error: { code: 'INVALID_LOGOUT_TOKEN' } });
  });

  it('a token signed by another key is refused and ends nothing', async () => {
    const { token } = await signedIn();
    const forged = await idp.logoutToken(claims(), { key: await idp.impostorKey() });
    const res = await post(forged);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_LOGOUT_TOKEN');
    expect(await status(a, token)).toBe(200);
    expect(a.logs.text()).toContain('back-channel logout refused');
  });

  const malformed: [string, () => Promise<string>][] = [
    ['another audience', () => idp.logoutToken(claims({ aud: 'another-client' }))],
    ['another issuer', () => idp.logoutToken(claims({ iss: 'http://127.0.0.1:1' }))],
    ['a nonce', () => idp.logoutToken(claims({ nonce: 'n' }))],
    ['no logout event', () => idp.logoutToken(claims({ events: {} }))],
    ['neither sid nor sub', () => idp.logoutToken(claims({ sub: undefined }))],
    ['no jti', () => idp.logoutToken(claims({ jti: undefined }))],
    ['an iat of an hour ago', () => idp.logoutToken(claims({ iat: Math.floor(Date.now() / 1000) - 3600 }))],
    ['typ JWT instead of logout+jwt', () => idp.logoutToken(claims(), { typ: 'JWT' })],
    ['no token at all', () => Promise.resolve('not.a.jwt')],
  ];
  for (const [what, make] of malformed) {
    it(`a logout token with ${what} is refused (400) and ends nothing`, async () => {
      const { token } = await signedIn();
      const res = await post(await make());
      expect(res.status).toBe(400);
      expect(await status(a, token)).toBe(200);
    });
  }
});
