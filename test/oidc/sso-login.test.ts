import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/store/keys.js';
import { createBrowser, type Browser } from '../helpers/cookie-jar-browser.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startTestProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { REDIS_URL } from '../helpers/redis.js';
import {
  providerClient,
  ssoEnv,
  ssoPorts,
  TEST_GROUP_MAP,
  writeGroupMap,
  type SsoPorts,
} from '../helpers/sso.js';

/**
 * docs/api.md#sso: SSO against a real provider (oidc-provider) in this process, through a browser
 * with a cookie jar. The gateway starts before the provider, as it may in production.
 */
const ALICE = {
  sub: 'alice-sub',
  preferred_username: 'alice.sso',
  email: 'alice@example.com',
  groups: ['scan-readers', 'not-in-the-map'],
};
const NOBODY = { sub: 'nobody-sub', email: 'nobody@example.com', groups: ['not-in-the-map'] };

interface Envelope {
  success: boolean;
  data: Record<string, unknown> | null;
  error: { code: string; details: unknown } | null;
}

const SCANS = (group: string) => `/v1/accounts/${group}/signals/scans`;

let ports: SsoPorts;
let gw: TestGateway;
let idp: TestProvider | undefined;
let groupMapFile: string;

beforeAll(async () => {
  ports = await ssoPorts();
  groupMapFile = writeGroupMap(TEST_GROUP_MAP);
  gw = await startGateway({ port: ports.gateway, env: ssoEnv(ports, groupMapFile) });
});
afterAll(async () => {
  await gw.close();
  await idp?.close();
});

describe('while the provider is unreachable', () => {
  it('SSO login answers 503 SSO_UNAVAILABLE in the envelope; password login is unaffected', async () => {
    expect(await gw.deps.sso?.client.discover()).toBe(false);
    const res = await createBrowser().fetch(`${gw.url}/auth/oidc/login`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({
      success: false,
      data: null,
      error: { code: 'SSO_UNAVAILABLE' },
    });
    const { cookie } = await gw.login('alice', 'alice-password-1');
    expect((await gw.get(SCANS('grp_a'), cookie)).status).toBe(200);
    expect(gw.logs.text()).toContain('OIDC discovery failed');
  });
});

describe('single sign-on once the provider is up', () => {
  let provider: TestProvider;

  beforeAll(async () => {
    provider = await startTestProvider({ ...providerClient(ports), accounts: [ALICE, NOBODY] });
    idp = provider;
    expect(await gw.deps.sso?.client.discover()).toBe(true);
  });
  afterEach(() => {
    provider.tamperIdTokens(undefined);
    provider.signInAs(ALICE.sub);
  });

  const isCallback = (url: URL) => url.href.startsWith(ports.redirectUri);
  /** Starts a login and goes through the provider, stopping before the gateway's callback. */
  async function toCallback(browser: Browser, start = `${gw.url}/auth/oidc/login`) {
    const { stoppedAt, hops } = await browser.navigate(start, { stopAt: isCallback });
    if (stoppedAt === undefined) throw new Error(`no callback: ${hops.map((h) => h.res.status).join(' ')}`);
    return { callback: stoppedAt, authorize: new URL(hops[0]?.res.headers.get('location') ?? '') };
  }
  async function callbackAnswer(browser: Browser, url: URL) {
    const res = await browser.fetch(url);
    return { res, body: (await res.json()) as Envelope };
  }
  async function signedIn(returnTo = '/auth/session') {
    const browser = createBrowser();
    const { last } = await browser.navigate(
      `${gw.url}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    );
    return { browser, last };
  }
  const scans = (browser: Browser, group: string) => browser.fetch(`${gw.url}${SCANS(group)}`);

  it('login → provider → callback → a gateway session that lists the mapped group and is 403 on another', async () => {
    const browser = createBrowser();
    const start = await browser.navigate(`${gw.url}/auth/oidc/login?returnTo=/auth/session`);
    const authorize = new URL(start.hops[0]?.res.headers.get('location') ?? '');
    expect(start.hops[0]?.res.status).toBe(302);
    expect(authorize.origin).toBe(provider.issuer);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'signals-bff',
      redirect_uri: ports.redirectUri,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
    });
    for (const name of ['state', 'nonce', 'code_challenge'])
      expect(params[name]?.length).toBeGreaterThanOrEqual(43);

    const callback = start.hops.find((h) => isCallback(h.url));
    expect(callback?.res.status).toBe(302);
    expect(callback?.res.headers.get('location')).toBe('/auth/session');
    const setCookie = callback?.res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sbff_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');

    expect(start.last.res.status).toBe(200);
    const session = (await start.last.res.json()) as Envelope;
    expect(session.data).toMatchObject({
      user: { id: 'oidc:alice-sub', username: 'alice.sso', accountGroups: ['grp_a'], roles: [] },
      method: 'oidc',
    });

    expect((await scans(browser, 'grp_a')).status).toBe(200);
    gw.sim.reset();
    const denied = await scans(browser, 'grp_b');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as Envelope).error?.code).toBe('FORBIDDEN');
    expect(gw.sim.callCount()).toBe(0);

    const listed = (await (await browser.fetch(`${gw.url}/auth/sessions`)).json()) as Envelope;
    expect(listed.data?.['items']).toEqual([expect.objectContaining({ method: 'oidc', current: true })]);
    const login = await gw.deps.audit.query({ actor: 'oidc:alice-sub', event: 'auth.login', limit: 1 });
    expect(login.items[0]).toMatchObject({
      method: 'oidc',
      actor: { username: 'alice.sso' },
      outcome: { status: 200 },
    });
  });

  it('returnTo must be a path on this site: other sites, protocol-relative and scheme URLs are 400', async () => {
    for (const returnTo of [
      '//evil.example/x',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'x',
    ]) {
      const res = await createBrowser().fetch(
        `${gw.url}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(res.status, returnTo).toBe(400);
      expect(((await res.json()) as Envelope).error?.code).toBe('VALIDATION_ERROR');
    }
    const { last } = await signedIn('/app/scans?group=grp_a');
    expect(last.url.pathname + last.url.search).toBe('/app/scans?group=grp_a');
  });

  it('a tampered state is refused with no session made; the real one still works, once', async () => {
    const browser = createBrowser();
    const { callback } = await toCallback(browser);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state') ?? ''}x`);
    const refused = await callbackAnswer(browser, tampered);
    expect(refused.res.status).toBe(400);
    expect(refused.body.error?.code).toBe('SSO_STATE_INVALID');
    expect(refused.res.headers.get('set-cookie')).toBeNull();

    const accepted = await browser.fetch(callback);
    expect(accepted.status).toBe(302);
    const replayed = await callbackAnswer(browser, callback);
    expect(replayed.res.status).toBe(400);
    expect(replayed.body.error?.code).toBe('SSO_STATE_INVALID');
    expect((await scans(browser, 'grp_a')).status).toBe(200);
  });

  it('only a top-level navigation may reach the callback from another site; a cross-site fetch is 403', async () => {
    const browser = createBrowser();
    const { callback } = await toCallback(browser);
    const res = await browser.fetch(callback, {
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as Envelope).error?.code).toBe('CSRF_FAILED');
    const navigated = await browser.fetch(callback, {
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
    });
    expect(navigated.status).toBe(302);
  });

  it('a callback opened in another browser than the one that started the login is refused', async () => {
    const { callback } = await toCallback(createBrowser());
    const other = createBrowser();
    const { res, body } = await callbackAnswer(other, callback);
    expect(res.status).toBe(400);
    expect(body.error?.code).toBe('SSO_STATE_INVALID');
    expect(other.cookie('sbff_session')).toBeUndefined();
  });

  it('PKCE is enforced: a login record without its verifier, or a code for another challenge, makes no session', async () => {
    const browser = createBrowser();
    const { callback } = await toCallback(browser);
    const state = callback.searchParams.get('state') ?? '';
    const key = createKeys(gw.prefix).oidcLogin(createHash('sha256').update(state).digest('hex'));
    const redis = new Redis(REDIS_URL);
    try {
      const stored = JSON.parse((await redis.get(key)) ?? '{}') as Record<string, unknown>;
      expect(typeof stored['verifier']).toBe('string');
      delete stored['verifier'];
      await redis.set(key, JSON.stringify(stored), 'PX', 60_000);
    } finally {
      redis.disconnect();
    }
    const incomplete = await callbackAnswer(browser, callback);
    expect(incomplete.res.status).toBe(400);
    expect(incomplete.body.error?.code).toBe('SSO_STATE_INVALID');

    // A code obtained with someone else's challenge, brought back with this login's state.
    const { authorize } = await toCallback(browser);
    const otherVerifier = client.randomPKCECodeVerifier();
    authorize.searchParams.set('code_challenge', await client.calculatePKCECodeChallenge(otherVerifier));
    const injected = await browser.navigate(authorize, { stopAt: isCallback });
    const answer = await callbackAnswer(browser, injected.stoppedAt ?? expect.fail('no callback'));
    expect(answer.res.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'SSO_FAILED', details: { reason: 'refused' } });
    expect(browser.cookie('sbff_session')).toBeUndefined();
  });

  const refusedIdTokens: [string, (claims: Record<string, unknown>) => Record<string, unknown>][] = [
    ['a nonce other than the one sent', (c) => ({ ...c, nonce: 'not-the-one-sent' })],
    ['an issuer other than the provider', (c) => ({ ...c, iss: 'http://127.0.0.1:1/evil' })],
    ['an audience other than this client', (c) => ({ ...c, aud: 'some-other-client' })],
    [
      'an expired token',
      (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
  ];
  for (const [what, change] of refusedIdTokens) {
    it(`an ID token with ${what} is refused (401 SSO_FAILED), audited, with no session`, async () => {
      provider.tamperIdTokens(change);
      const browser = createBrowser();
      const { callback } = await toCallback(browser);
      const { res, body } = await callbackAnswer(browser, callback);
      expect(res.status).toBe(401);
      expect(body.error).toMatchObject({ code: 'SSO_FAILED', details: { reason: 'invalid' } });
      expect(browser.cookie('sbff_session')).toBeUndefined();
      const failed = await gw.deps.audit.query({ event: 'auth.login_failed', limit: 1 });
      expect(failed.items[0]).toMatchObject({
        method: 'oidc',
        reason: 'invalid',
        outcome: { status: 401, code: 'SSO_FAILED' },
      });
    });
  }

  it('an ID token signed by another key than the provider publishes is refused', async () => {
    provider.tamperIdTokens((c) => c, await provider.impostorKey());
    const browser = createBrowser();
    const { callback } = await toCallback(browser);
    const { res, body } = await callbackAnswer(browser, callback);
    expect(res.status).toBe(401);
    expect(body.error?.code).toBe('SSO_FAILED');
  });

  it('an iss in the callback other than the provider (a mix-up) is refused', async () => {
    const browser = createBrowser();
    const { callback } = await toCallback(browser);
    callback.searchParams.set('iss', 'http://127.0.0.1:1/evil');
    const { res, body } = await callbackAnswer(browser, callback);
    expect(res.status).toBe(401);
    expect(body.error?.code).toBe('SSO_FAILED');
  });

  it('a user in no mapped group is refused at login with 403, and the refusal is audited', async () => {
    provider.signInAs(NOBODY.sub);
    const browser = createBrowser();
    const { callback } = await toCallback(browser);
    const { res, body } = await callbackAnswer(browser, callback);
    expect(res.status).toBe(403);
    expect(body.error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'no_mapped_group' } });
    expect(browser.cookie('sbff_session')).toBeUndefined();
    const failed = await gw.deps.audit.query({ actor: 'nobody@example.com', limit: 1 });
    expect(failed.items[0]).toMatchObject({
      event: 'auth.login_failed',
      method: 'oidc',
      reason: 'no_mapped_group',
    });
  });

  it('a changed group map applies to an existing session at its next request', async () => {
    const { browser } = await signedIn();
    expect((await scans(browser, 'grp_a')).status).toBe(200);
    expect((await scans(browser, 'grp_b')).status).toBe(403);
    try {
      writeGroupMap({ groups: { 'scan-readers': { accountGroups: ['grp_b'] } } }, groupMapFile);
      gw.deps.reload();
      expect((await scans(browser, 'grp_a')).status).toBe(403);
      expect((await scans(browser, 'grp_b')).status).toBe(200);
    } finally {
      writeGroupMap(TEST_GROUP_MAP, groupMapFile);
      gw.deps.reload();
    }
    expect((await scans(browser, 'grp_a')).status).toBe(200);
  });

  it('logout answers the end-session URL with id_token_hint, which the provider accepts; the refresh token is revoked', async () => {
    const { browser, last } = await signedIn();
    const { csrfToken } = ((await last.res.json()) as Envelope).data as { csrfToken: string };
    const revoked = new Promise((resolve) => provider.provider.once('refresh_token.destroyed', resolve));
    const res = await browser.fetch(`${gw.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(res.status).toBe(200);
    const { endSessionUrl } = ((await res.json()) as Envelope).data as { endSessionUrl: string };
    const url = new URL(endSessionUrl);
    expect(url.origin + url.pathname).toBe(`${provider.issuer}/session/end`);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(ports.postLogoutRedirectUri);
    const hint = decodeJwt(url.searchParams.get('id_token_hint') ?? '');
    expect(hint).toMatchObject({ iss: provider.issuer, aud: 'signals-bff', sub: ALICE.sub });
    expect((await browser.fetch(`${gw.url}/auth/session`)).status).toBe(401);
    await revoked;

    const atProvider = await browser.navigate(url);
    expect(atProvider.last.res.status).toBe(200);
    expect(await atProvider.last.res.text()).toContain('name="xsrf"');
  });

  it('no provider token reaches a response, a log line or an audit record, and none is plaintext in Redis', async () => {
    const browser = createBrowser();
    const { hops } = await browser.navigate(`${gw.url}/auth/oidc/login?returnTo=/auth/session`);
    const answers = await Promise.all(
      [
        ...hops.filter((h) => h.url.origin === gw.url),
        { res: await browser.fetch(`${gw.url}/auth/sessions`) },
      ].map(async (h) => `${JSON.stringify([...h.res.headers])}${await h.res.clone().text()}`),
    );
    const audit = await gw.deps.audit.query({ limit: 100 });
    const redis = new Redis(REDIS_URL);
    const stored: string[] = [];
    try {
      for (const key of await redis.keys(`${gw.prefix}*`)) {
        const type = await redis.type(key);
        if (type === 'string') stored.push((await redis.get(key)) ?? '');
        if (type === 'zset') stored.push((await redis.zrange(key, '0', '-1')).join());
        if (type === 'stream') stored.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } finally {
      redis.disconnect();
    }
    const sealed = stored.filter((s) => s.includes('"idToken":"v1.'));
    expect(sealed.length).toBeGreaterThan(0);
    expect(provider.tokens.length).toBeGreaterThan(3);
    const places = {
      answers: answers.join('\n'),
      logs: gw.logs.text(),
      audit: JSON.stringify(audit),
      redis: stored.join('\n'),
    };
    for (const token of provider.tokens) {
      // Every part of a JWT (its header is shared by all tokens of one key, so only claims and signature).
      const parts = token.split('.').slice(token.includes('.') ? 1 : 0);
      for (const [where, text] of Object.entries(places)) {
        for (const part of parts) expect(text.includes(part), `${where} holds a provider token`).toBe(false);
      }
    }
    expect(places.logs).toContain('"method":"oidc"');
  });

  it('GET /auth/methods offers both ways in when both are on', async () => {
    const res = await fetch(`${gw.url}/auth/methods`);
    expect(((await res.json()) as Envelope).data).toEqual({
      password: true,
      oidc: { enabled: true, loginPath: '/auth/oidc/login' },
    });
  });

  it('with OIDC_ISSUER and no USERS_FILE, SSO is the only login: POST /auth/login is 404', async () => {
    const only = await startGateway({ env: { ...ssoEnv(ports, groupMapFile), USERS_FILE: '' } });
    try {
      expect(only.config.usersFile).toBeUndefined();
      const res = await fetch(`${only.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password-1' }),
      });
      expect(res.status).toBe(404);
      expect(await only.deps.sso?.client.discover()).toBe(true);
      expect((await createBrowser().fetch(`${only.url}/auth/oidc/login`)).status).toBe(302);
    } finally {
      await only.close();
    }
  });

  it('with no USERS_FILE, no password login is offered, documented or routed (404, not 405)', async () => {
    const only = await startGateway({ env: { ...ssoEnv(ports, groupMapFile), USERS_FILE: '' } });
    try {
      const methods = (await (await fetch(`${only.url}/auth/methods`)).json()) as Envelope;
      expect(methods.data).toEqual({
        password: false,
        oidc: { enabled: true, loginPath: '/auth/oidc/login' },
      });
      const doc = (await (await fetch(`${only.url}/openapi.json`)).json()) as { paths: object };
      expect(Object.keys(doc.paths)).not.toContain('/auth/login');
      expect(Object.keys(doc.paths)).toContain('/auth/oidc/login');
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${only.url}/auth/login`, { method });
        expect(res.status, method).toBe(404);
        expect(((await res.json()) as Envelope).error).toMatchObject({
          code: 'NOT_FOUND',
          message: 'No such route.',
        });
      }
    } finally {
      await only.close();
    }
  });
});
