import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';

const APP = 'https://app.example';
const EVIL = 'https://evil.example';
const SCANS = '/v1/accounts/grp_a/signals/scans';

describe('cross-site requests are refused before any work; listed origins get CORS', () => {
  let gw: TestGateway;
  let cookie: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { CORS_ORIGINS: `${APP}, https://other.example` } });
    ({ cookie } = await gw.login('alice', 'alice-password-1'));
  });
  beforeEach(() => gw.sim.reset());
  afterAll(() => gw.close());

  const loginFrom = (headers: Record<string, string>) =>
    postLogin(gw, { username: 'alice', password: 'alice-password-1' }, headers);

  async function expectCsrfRefusal(res: Response) {
    const body = (await res.json()) as { success: boolean; error: { code: string } | null };
    expect(res.status).toBe(403);
    expect(body.success).toBe(false);
    expect(body.error?.code).toBe('CSRF_FAILED');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.has('access-control-allow-origin')).toBe(false);
    expect(res.headers.has('access-control-allow-credentials')).toBe(false);
    expect(gw.sim.callCount()).toBe(0);
  }

  it.each([
    ['an unlisted Origin', { origin: EVIL }],
    ['Origin: null', { origin: 'null' }],
    ['a listed origin on another port', { origin: `${APP}:8443` }],
    ['Sec-Fetch-Site: cross-site without an Origin', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: cross-site from an unlisted Origin', { 'sec-fetch-site': 'cross-site', origin: EVIL }],
  ])('%s gets 403 CSRF_FAILED on login, with no session made', async (_name, headers) => {
    await expectCsrfRefusal(await loginFrom(headers));
  });

  it.each([
    ['an unlisted Origin', { origin: EVIL }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('%s gets 403 on the scans route and the upstream is not called', async (_name, headers) => {
    await expectCsrfRefusal(await gw.get(SCANS, cookie, headers));
  });

  it('refuses an unlisted origin even on a route that does not exist, and its preflight', async () => {
    await expectCsrfRefusal(await fetch(`${gw.url}/nope`, { headers: { origin: EVIL } }));
    await expectCsrfRefusal(
      await fetch(`${gw.url}/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST' },
      }),
    );
  });

  it('a listed origin gets CORS with credentials, and the exposed headers', async () => {
    const res = await gw.get(SCANS, cookie, { origin: APP, 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(',');
    expect(exposed).toEqual(expect.arrayContaining(['x-trace-id', 'x-cache', 'retry-after', 'ratelimit']));
    expect(gw.sim.callCount()).toBe(1);

    const login = await loginFrom({ origin: 'https://other.example' });
    expect(login.status).toBe(200);
    expect(login.headers.get('access-control-allow-origin')).toBe('https://other.example');
  });

  it('answers the preflight of a listed origin', async () => {
    const res = await fetch(`${gw.url}/auth/logout`, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-csrf-token',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,DELETE');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('content-type,x-csrf-token');
  });

  it('same-origin and non-browser requests pass, without CORS headers', async () => {
    const sameOrigin = await gw.get(SCANS, cookie, { origin: gw.url, 'sec-fetch-site': 'same-origin' });
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.headers.has('access-control-allow-origin')).toBe(false);
    const plain = await gw.get(SCANS, cookie);
    expect(plain.status).toBe(200);
    expect(plain.headers.has('access-control-allow-origin')).toBe(false);
    expect((await gw.get(SCANS, cookie, { 'sec-fetch-site': 'same-site' })).status).toBe(200);
  });

  it('logout from a listed origin still needs the X-CSRF-Token', async () => {
    const session = await gw.login('bob', 'bob-password-1');
    const res = await fetch(`${gw.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie: session.cookie, origin: APP },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
