import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USERS } from '../helpers/users.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const alice = DEFAULT_USERS[0];

/** The log lines of one request, found by its trace id. */
function linesOf(gw: TestGateway, traceId: string): Record<string, unknown>[] {
  return gw.logs.lines
    .filter((l) => l.includes(traceId))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the request log', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('a scans list writes one line: the request with its audit record, as stored in the trail', async () => {
    if (alice === undefined) throw new Error('no alice');
    const { cookie } = await gw.login(alice.username, alice.password);
    const res = await gw.get('/v1/accounts/grp_a/signals/scans?limit=3', cookie);
    expect(res.status).toBe(200);
    const traceId = res.headers.get('x-trace-id') ?? '';
    const lines = linesOf(gw, traceId);
    expect(lines).toHaveLength(1);
    const [page] = (await gw.deps.audit.query({ limit: 1 })).items;
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      traceId,
      method: 'GET',
      route: '/v1/accounts/:accountGroupId/signals/scans',
      status: 200,
      userId: 'u_alice',
      accountGroupId: 'grp_a',
      cache: 'MISS',
      audit: page,
    });
  });

  it('a login writes one line, with no password, cookie, session id or CSRF token in it', async () => {
    if (alice === undefined) throw new Error('no alice');
    const res = await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice.username, password: alice.password }),
    });
    const body = (await res.json()) as { data: { csrfToken: string } };
    const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const token = cookie.split('=')[1] ?? '';
    const traceId = res.headers.get('x-trace-id') ?? '';
    const lines = gw.logs.lines.filter((l) => l.includes(traceId));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      msg: 'request',
      status: 200,
      audit: { event: 'auth.login' },
    });
    expect(token.length).toBeGreaterThan(20);
    for (const secret of [alice.password, token, body.data.csrfToken])
      expect(gw.logs.text()).not.toContain(secret);
  });

  it('a client-chosen string stays inside its field: the line is one JSON object at level info', async () => {
    if (alice === undefined) throw new Error('no alice');
    const { cookie } = await gw.login(alice.username, alice.password);
    const forged = 'x","level":"fatal","msg":"forged\\';
    const res = await gw.get('/v1/accounts/grp_a/signals/scans', cookie, { 'user-agent': forged });
    expect(res.status).toBe(200);
    const lines = linesOf(gw, res.headers.get('x-trace-id') ?? '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      audit: { client: { userAgent: forged } },
    });
  });
});
