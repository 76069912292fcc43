import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';
import { REDIS_URL } from '../helpers/redis.js';
import { streamRecordIds, streamRecords as readStream } from './fixture.js';

const API_KEY = 'sk-audit-test-7Qx9vLmZp3';
const ALICE = { username: 'alice', password: 'alice-password-1' };
const scans = (group = 'grp_a', query = '') => `/v1/accounts/${group}/signals/scans${query}`;

/** Every record in the gateway's stream, oldest first, read straight from Redis. */
const streamRecords = (gw: TestGateway) => readStream(REDIS_URL, gw.deps.keys.auditLog());

async function recordOf(gw: TestGateway, res: Response): Promise<AuditRecord> {
  const traceId = res.headers.get('x-trace-id');
  const found = (await streamRecords(gw)).records.filter((r) => r.traceId === traceId);
  expect(found, `one record for trace ${traceId}`).toHaveLength(1);
  return found[0] as AuditRecord;
}

describe('the audit trail of a running gateway', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({
      simulator: { keys: [{ key: API_KEY, accountGroups: '*', permissions: ['signals:read'] }] },
      apiKey: API_KEY,
    });
  });
  afterAll(() => gw.close());

  it('records a login, a failed login and a logout, each with the response trace id', async () => {
    const ok = await postLogin(gw, ALICE, { 'user-agent': 'browser/1' });
    expect(ok.status).toBe(200);
    expect(await recordOf(gw, ok)).toMatchObject({
      event: 'auth.login',
      actor: { userId: 'u_alice', username: 'alice' },
      outcome: { status: 200 },
      client: { ip: '127.0.0.1', userAgent: 'browser/1' },
    });

    const wrong = await postLogin(gw, { username: 'alice', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(await recordOf(gw, wrong)).toMatchObject({
      event: 'auth.login_failed',
      actor: { username: 'alice' },
      outcome: { status: 401, code: 'INVALID_CREDENTIALS' },
    });
    const unknown = await postLogin(gw, { username: 'nobody', password: 'whatever-123' });
    expect(await recordOf(gw, unknown)).toMatchObject({
      event: 'auth.login_failed',
      actor: { userId: null, username: 'nobody' },
      outcome: { status: 401 },
    });

    const { cookie, csrfToken } = await gw.login(ALICE.username, ALICE.password);
    const out = await fetch(`${gw.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(200);
    expect(await recordOf(gw, out)).toMatchObject({
      event: 'auth.logout',
      actor: { userId: 'u_alice', username: 'alice' },
      outcome: { status: 200 },
    });
  });

  it('records every scans list call: allowed, denied, invalid and upstream failures', async () => {
    const { cookie } = await gw.login(ALICE.username, ALICE.password);
    const allowed = await gw.get(scans('grp_a', '?limit=3&status=queued'), cookie, { 'user-agent': 'ui/2' });
    expect(allowed.status).toBe(200);
    const page = (await allowed.json()) as { data: { items: unknown[] } };
    const record = await recordOf(gw, allowed);
    expect(record).toMatchObject({
      event: 'scans.list',
      actor: { userId: 'u_alice', username: 'alice' },
      accountGroupId: 'grp_a',
      query: { cursor: null, status: 'queued', limit: '3' },
      outcome: {
        status: 200,
        code: null,
        cache: allowed.headers.get('x-cache'),
        itemCount: page.data.items.length,
      },
      client: { ip: '127.0.0.1', userAgent: 'ui/2' },
    });
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.durationMs).toBeGreaterThanOrEqual(0);

    const denied = await gw.get(scans('grp_secret'), cookie);
    expect(denied.status).toBe(403);
    expect(await recordOf(gw, denied)).toMatchObject({
      accountGroupId: 'grp_secret',
      outcome: { status: 403, code: 'FORBIDDEN', itemCount: null },
    });

    const invalid = await gw.get(scans('grp_a', '?limit=abc&sort=x'), cookie);
    expect(invalid.status).toBe(400);
    expect(await recordOf(gw, invalid)).toMatchObject({
      query: { limit: 'abc' },
      outcome: { status: 400, code: 'VALIDATION_ERROR' },
    });

    gw.sim.setFaults({ mode: 'error', status: 500 });
    try {
      const failed = await gw.get(scans('grp_b', '?limit=7'), cookie, { 'cache-control': 'no-cache' });
      expect(failed.status).toBe(502);
      expect(await recordOf(gw, failed)).toMatchObject({
        accountGroupId: 'grp_b',
        outcome: { status: 502, code: 'UPSTREAM_ERROR' },
      });
    } finally {
      gw.sim.reset();
    }
  });

  it('an unauthenticated call is not a scans.list record (there is no actor to record)', async () => {
    const before = (await streamRecords(gw)).records.length;
    const res = await fetch(`${gw.url}${scans()}`);
    expect(res.status).toBe(401);
    expect((await streamRecords(gw)).records).toHaveLength(before);
  });

  it('no record and no log line holds the API key, a password or the session cookie', async () => {
    const { cookie } = await gw.login(ALICE.username, ALICE.password);
    await gw.get(scans(), cookie);
    await postLogin(gw, { username: 'bob', password: 'bob-wrong-password' });
    const sessionId = cookie.split('=')[1] ?? '';
    expect(sessionId.length).toBeGreaterThan(10);
    const stored = (await streamRecords(gw)).raw.join('\n');
    const logged = gw.logs.text();
    expect(logged).toContain('"audit":');
    for (const secret of [API_KEY, ALICE.password, 'bob-wrong-password', sessionId]) {
      expect(stored).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
  });

  it('CR/LF, ANSI escapes and long strings stay one capped line, in the stream and in the log', async () => {
    // The login body refuses fields over 1 KiB and Node refuses headers over 16 KiB before any
    // audit, so the 100 KB case is record.test.ts's; here: as long as each route lets through.
    const nasty = `eve\r\n{"event":"auth.login"}\u001b[2J\u001b]0;pwned\u0007${'x'.repeat(900)}`;
    const failed = await postLogin(gw, { username: nasty, password: 'irrelevant-1' });
    const login = await recordOf(gw, failed);
    expect(login.event).toBe('auth.login_failed');
    expect(login.actor.username).toMatch(/^eve\\u000d\\u000a\{"event":"auth.login"\}\\u001b\[2J/);
    expect(login.actor.username?.length).toBeLessThanOrEqual(1024);

    const { cookie } = await gw.login(ALICE.username, ALICE.password);
    const agent = `agent\u0085\u009b31m${'y'.repeat(10_000)}`;
    const cursor = `%0D%0A%1B%5B31m${'c'.repeat(6000)}`;
    const res = await gw.get(scans('grp_a', `?cursor=${cursor}`), cookie, { 'user-agent': agent });
    expect(res.status).toBe(400);
    const record = await recordOf(gw, res);
    expect(record.client.userAgent).toMatch(/^agent\\u0085\\u009b31my+…\[truncated \d+ chars\]$/);
    expect(record.query?.cursor).toMatch(/^\\u000d\\u000a\\u001b\[31mc+…\[truncated \d+ chars\]$/);

    const { raw } = await streamRecords(gw);
    const lines = [...raw, ...gw.logs.lines.filter((l) => l.includes('"audit":'))];
    for (const line of lines) {
      // eslint-disable-next-line no-control-regex -- the point: no raw control character anywhere
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(line.length).toBeLessThan(16_000);
    }
  });
});

describe('a limited call', () => {
  it('is recorded as 429 RATE_LIMITED', async () => {
    const gw = await startGateway({ env: { USER_RPS: '0.01', USER_BURST: '1' } });
    try {
      const { cookie } = await gw.login(ALICE.username, ALICE.password);
      expect((await gw.get(scans(), cookie)).status).toBe(200);
      const limited = await gw.get(scans(), cookie);
      expect(limited.status).toBe(429);
      expect(await recordOf(gw, limited)).toMatchObject({
        event: 'scans.list',
        outcome: { status: 429, code: 'RATE_LIMITED' },
      });
    } finally {
      await gw.close();
    }
  });
});

describe('when the audit record can be written nowhere', () => {
  it('the scans list answers 503 SERVICE_UNAVAILABLE and no data', async () => {
    const real = createRedisStore({ url: REDIS_URL });
    let auditDown = false;
    // Only the audit stream fails: sessions still resolve, so the request reaches the data.
    const store: Store = {
      ...real,
      appendLog: (key, records, options) =>
        auditDown
          ? Promise.reject(new StoreUnavailableError(new Error('test: audit stream down')))
          : real.appendLog(key, records, options),
    };
    const file = join(mkdtempSync(join(tmpdir(), 'sbff-audit-')), 'a-file');
    writeFileSync(file, '');
    const gw = await startGateway({
      store,
      env: { AUDIT_SPOOL_DIR: join(file, 'spool') },
    });
    try {
      const { cookie } = await gw.login(ALICE.username, ALICE.password);
      auditDown = true;
      const res = await gw.get(scans(), cookie);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { data: unknown; error: { code: string } };
      expect(body.data).toBeNull();
      expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
      auditDown = false;
      expect((await gw.get(scans(), cookie)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe('GET /admin/audit', () => {
  let gw: TestGateway;
  let auditor: string;
  let alice: string;

  beforeAll(async () => {
    gw = await startGateway();
    ({ cookie: alice } = await gw.login('alice', 'alice-password-1'));
    const { cookie: bob } = await gw.login('bob', 'bob-password-1');
    for (let i = 0; i < 6; i += 1) await gw.get(scans('grp_a', `?limit=${i + 1}`), alice);
    for (let i = 0; i < 4; i += 1) await gw.get(scans('grp_b', `?limit=${i + 1}`), bob);
    await gw.get(scans('grp_a'), bob);
    ({ cookie: auditor } = await gw.login('audrey', 'audrey-password-1'));
  });
  afterAll(() => gw.close());

  async function page(query: string, cookie = auditor) {
    const res = await gw.get(`/admin/audit${query}`, cookie);
    const body = (await res.json()) as {
      success: boolean;
      data: { items: AuditRecord[]; nextCursor: string | null; hasMore: boolean } | null;
      error: { code: string } | null;
    };
    return { res, body };
  }

  async function walk(query: string, limit: number) {
    const seen: AuditRecord[] = [];
    let cursor = '';
    for (let i = 0; i < 50; i += 1) {
      const { res, body } = await page(`?limit=${limit}${query}${cursor}`);
      expect(res.status).toBe(200);
      const data = body.data;
      if (data === null) throw new Error('no data');
      seen.push(...data.items);
      if (!data.hasMore) return seen;
      cursor = `&cursor=${encodeURIComponent(data.nextCursor ?? '')}`;
    }
    throw new Error('pagination did not end');
  }

  it('is 403 FORBIDDEN for a user without the auditor role, 401 without a session', async () => {
    const { res, body } = await page('', alice);
    expect(res.status).toBe(403);
    expect(body.error?.code).toBe('FORBIDDEN');
    expect((await fetch(`${gw.url}/admin/audit`)).status).toBe(401);
  });

  it('pages newest first, and a walk sees every record exactly once', async () => {
    const all = await walk('', 3);
    const ids = all.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(await streamRecordIds(REDIS_URL, gw.deps.keys.auditLog())));
    expect([...ids].sort().reverse()).toEqual(ids);
    const { body } = await page('');
    expect(body.data?.items.length).toBe(Math.min(50, ids.length));
  });

  it('filters by actor (username or id), account group, event and time', async () => {
    const byName = await walk('&actor=bob&event=scans.list', 2);
    expect(byName).toHaveLength(5);
    expect(await walk('&actor=u_bob&event=scans.list', 10)).toEqual(byName);
    const denied = await walk('&actor=bob&accountGroupId=grp_a', 10);
    expect(denied.map((r) => r.outcome.status)).toEqual([403]);
    expect((await walk('&event=auth.login', 10)).map((r) => r.actor.username)).toEqual([
      'audrey',
      'bob',
      'alice',
    ]);
    const all = await walk('', 100);
    const middle = all[5] as AuditRecord;
    const from = new Date(Date.parse(middle.at) - 1).toISOString();
    const to = new Date(Date.parse(middle.at) + 1).toISOString();
    const inWindow = await walk(`&from=${from}&to=${to}`, 10);
    expect(inWindow.map((r) => r.id)).toContain(middle.id);
    expect(inWindow.every((r) => r.at >= from && r.at < to)).toBe(true);
    expect(await walk(`&to=${encodeURIComponent(new Date(0).toISOString())}`, 10)).toEqual([]);
  });

  it('is not itself recorded', async () => {
    const before = (await streamRecords(gw)).records.length;
    await page('');
    await page('?event=scans.list');
    expect((await streamRecords(gw)).records).toHaveLength(before);
  });

  it.each([
    ['limit 0', '?limit=0'],
    ['limit over 100', '?limit=101'],
    ['limit not a number', '?limit=ten'],
    ['an unknown event', '?event=scans.delete'],
    ['a time that is not ISO', '?from=yesterday'],
    ['to before from', '?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z'],
    ['a made-up cursor', '?cursor=abc'],
    ['a repeated parameter', '?actor=a&actor=b'],
    ['an unknown parameter', '?user=alice'],
  ])('%s gets 400 VALIDATION_ERROR', async (_name, query) => {
    const { res, body } = await page(query);
    expect(res.status).toBe(400);
    expect(body.error?.code).toBe('VALIDATION_ERROR');
  });
});
