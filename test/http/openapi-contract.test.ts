import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCANS_PATH } from '../../src/http/routes/scans.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin, type LoggedIn } from '../helpers/login.js';
import { createContractCheck, fetchDocument, openApiPath } from '../helpers/openapi-contract.js';

const SCANS = openApiPath(SCANS_PATH);
const scansOf = (group: string, query = '') => `/v1/accounts/${group}/signals/scans${query}`;

/**
 * docs/frontend.md#openapi: the real answers of every route, success and each error the test can
 * provoke, fit what /openapi.json says of them: status, required headers, media type, body.
 */
describe('the answers of every route match the OpenAPI document', () => {
  let gw: TestGateway;
  let expectDocumented: ReturnType<typeof createContractCheck>;
  let alice: LoggedIn;
  let bob: LoggedIn;
  let audrey: LoggedIn;

  beforeAll(async () => {
    gw = await startGateway({
      env: {
        UI_ENABLED: 'true',
        DOCS_ENABLED: 'true',
        LOGIN_MAX_FAILURES: '2',
        UPSTREAM_TIMEOUT_MS: '300',
        CIRCUIT_FAILURES: '1000',
        USER_BURST: '40',
        USER_RPS: '0.01',
      },
    });
    gw.deps.logger.level = 'silent';
    expectDocumented = createContractCheck(await fetchDocument(gw.url));
    alice = await gw.login('alice', 'alice-password-1');
    bob = await gw.login('bob', 'bob-password-1');
    audrey = await gw.login('audrey', 'audrey-password-1');
  });
  afterAll(async () => {
    await gw.close();
  });

  const get = (path: string, cookie = '', headers: Record<string, string> = {}) =>
    gw.get(path, cookie, headers);
  const status = async (res: Response, method: string, path: string) => {
    await expectDocumented(res, method, path);
    return res.status;
  };

  it('ops, the document, its page and the app', async () => {
    expect(await status(await get('/healthz'), 'GET', '/healthz')).toBe(200);
    expect(await status(await get('/readyz'), 'GET', '/readyz')).toBe(200);
    gw.deps.lifecycle.draining = true;
    expect(await status(await get('/readyz'), 'GET', '/readyz')).toBe(503);
    gw.deps.lifecycle.draining = false;
    expect(await status(await get('/metrics'), 'GET', '/metrics')).toBe(200);
    expect(
      await status(await get('/metrics', '', { 'x-forwarded-for': '203.0.113.9' }), 'GET', '/metrics'),
    ).toBe(403);
    expect(await status(await get('/openapi.json'), 'GET', '/openapi.json')).toBe(200);
    expect(await status(await get('/docs'), 'GET', '/docs')).toBe(200);
    expect(await status(await get('/'), 'GET', '/')).toBe(200);
    expect(await status(await get('/auth/methods'), 'GET', '/auth/methods')).toBe(200);
    expect(
      await status(await get('/healthz', '', { origin: 'https://evil.example' }), 'GET', '/healthz'),
    ).toBe(403);
  });

  it('login: success, and each way it refuses', async () => {
    const login = (body: unknown, headers: Record<string, string> = {}) =>
      postLogin(
        gw,
        typeof body === 'string' ? body : (body as { username: string; password: string }),
        headers,
      );
    expect(
      await status(await login({ username: 'alice', password: 'alice-password-1' }), 'POST', '/auth/login'),
    ).toBe(200);
    expect(await status(await login({ username: 'alice', password: 'nope' }), 'POST', '/auth/login')).toBe(
      401,
    );
    expect(await status(await login('{"username":'), 'POST', '/auth/login')).toBe(400);
    expect(await status(await login('{"username":"alice"}'), 'POST', '/auth/login')).toBe(400);
    expect(await status(await login('x', { 'content-type': 'text/plain' }), 'POST', '/auth/login')).toBe(415);
    expect(await status(await login(`"${'a'.repeat(5000)}"`), 'POST', '/auth/login')).toBe(413);
    expect(
      await status(
        await login({ username: 'alice', password: 'x' }, { origin: 'https://evil.example' }),
        'POST',
        '/auth/login',
      ),
    ).toBe(403);
    // LOGIN_MAX_FAILURES=2 for bob, who is already signed in for the other tests.
    await login({ username: 'bob', password: 'wrong' });
    await login({ username: 'bob', password: 'wrong' });
    expect(await status(await login({ username: 'bob', password: 'wrong' }), 'POST', '/auth/login')).toBe(
      429,
    );
  });

  it('session and logout', async () => {
    expect(await status(await get('/auth/session', alice.cookie), 'GET', '/auth/session')).toBe(200);
    expect(await status(await get('/auth/session'), 'GET', '/auth/session')).toBe(401);
    const own = await gw.login('alice', 'alice-password-1');
    const logout = (headers: Record<string, string>) =>
      fetch(`${gw.url}/auth/logout`, { method: 'POST', headers: { cookie: own.cookie, ...headers } });
    expect(await status(await logout({}), 'POST', '/auth/logout')).toBe(403);
    expect(await status(await logout({ 'x-csrf-token': own.csrfToken }), 'POST', '/auth/logout')).toBe(200);
    expect(await status(await logout({ 'x-csrf-token': own.csrfToken }), 'POST', '/auth/logout')).toBe(401);
  });

  it('scans: pages, refusals, and each vendor failure', async () => {
    alice = await gw.login('alice', 'alice-password-1');
    const list = async (path: string, cookie = alice.cookie, headers: Record<string, string> = {}) =>
      status(await get(path, cookie, headers), 'GET', SCANS);
    expect(await list(scansOf('grp_a', '?limit=5'))).toBe(200);
    expect(await list(scansOf('grp_a', '?limit=5'))).toBe(200); // a HIT
    expect(await list(scansOf('grp_a', '?limit=5&status=completed'))).toBe(200);
    expect(await list(scansOf('grp_a', '?limit=abc'))).toBe(400);
    expect(await list(scansOf('grp_a', '?limit=5&limit=6'))).toBe(400);
    expect(await list(scansOf('grp_a'), '')).toBe(401);
    expect(await list(scansOf('grp_zzz'))).toBe(403);

    // Each on a page never cached, so no stale copy stands in for the failure.
    let limit = 10;
    const failing = async (faults: Parameters<typeof gw.sim.setFaults>[0]) => {
      gw.sim.setFaults(faults);
      try {
        return await list(scansOf('grp_a', `?limit=${++limit}`));
      } finally {
        gw.sim.reset();
      }
    };
    expect(await failing({ mode: 'error', status: 400 })).toBe(400);
    expect(await failing({ mode: 'error', status: 500 })).toBe(502);
    expect(await failing({ mode: 'error', status: 401 })).toBe(502);
    expect(await failing({ mode: 'error', status: 403 })).toBe(502);
    expect(await failing({ mode: 'not_json' })).toBe(502);
    expect(await failing({ mode: 'reset' })).toBe(503);
    expect(await failing({ mode: 'hang' })).toBe(504);

    // bob alone spends his per-user burst: 429 with Retry-After and the RateLimit headers.
    let last = 200;
    for (let i = 0; i < 41 && last === 200; i++) last = await list(scansOf('grp_b', '?limit=1'), bob.cookie);
    expect(last).toBe(429);
  });

  it('audit: the auditor reads it, others are refused, bad queries are 400', async () => {
    const audit = async (query: string, cookie: string) =>
      status(await get(`/admin/audit${query}`, cookie), 'GET', '/admin/audit');
    expect(await audit('?limit=3', audrey.cookie)).toBe(200);
    expect(await audit('?event=scans.list&limit=2', audrey.cookie)).toBe(200);
    expect(await audit('?limit=0', audrey.cookie)).toBe(400);
    expect(await audit('', alice.cookie)).toBe(403);
    expect(await audit('', '')).toBe(401);
  });
});
