import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuditRecord } from '../../src/audit/record.js';
import { createAuditTrail } from '../../src/audit/durable-trail.js';
import type { Deps } from '../../src/deps.js';
import type { SessionEnv } from '../../src/http/request-context.js';
import { okSerialised } from '../../src/http/envelope.js';
import { createErrorHandler } from '../../src/http/error-handler.js';
import { ApiError } from '../../src/http/errors.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { auditScans } from '../../src/http/middleware/audit-scans.js';
import { traceRequest } from '../../src/http/middleware/trace-request.js';
import { validate } from '../../src/http/validate.js';
import type { Store } from '../../src/store/store.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * auditScans inside a small app with the gateway's real deps (Redis, trail, error handler): a
 * stand-in for requireSession sets the user, so this runs whatever state the auth routes are in.
 * It pins down how Hono's compose and onError behave: an error thrown below auditScans is already
 * the response when auditScans looks at it.
 */
function buildApp(deps: Deps) {
  const app = new Hono<SessionEnv>();
  app.use(traceRequest({ trustProxyHops: 0, clock: deps.clock, headers: {} }));
  app.use(async (c, next) => {
    const user = deps.users.byUsername('alice');
    if (user === undefined) throw new Error('no alice');
    c.set('user', user);
    await next();
  });
  app.get(
    '/v1/accounts/:accountGroupId/signals/scans',
    auditScans({ audit: deps.audit, onError: createErrorHandler(deps.logger), clock: deps.clock }),
    validate(
      'query',
      z.object({ limit: z.string().regex(/^\d+$/).optional(), mode: z.string().optional() }).strict(),
    ),
    (c) => {
      const mode = c.req.query('mode');
      if (mode === 'forbidden') throw new ApiError('FORBIDDEN', 'no');
      if (mode === 'crash') throw new Error('bug');
      const report = c.get('report');
      report.cache = 'HIT';
      report.itemCount = 2;
      report.upstreamTraceId = 'up-trace';
      c.header('X-Cache', 'HIT');
      return okSerialised(c, '{"items":[{"id":"s1"},{"id":"s2"}],"nextCursor":null,"hasMore":false}');
    },
  );
  app.onError(createErrorHandler(deps.logger));
  return app;
}

describe('auditScans records what the client was answered', () => {
  let gw: TestGateway;
  let app: Hono<SessionEnv>;

  beforeAll(async () => {
    gw = await startGateway();
    app = buildApp(gw.deps);
  });
  afterAll(() => gw.close());

  async function lastRecord(): Promise<AuditRecord> {
    const page = await gw.deps.audit.query({ limit: 1 });
    return page.items[0] as AuditRecord;
  }

  it('an answered page: status, cache, item count, upstream trace and the response trace id', async () => {
    const res = await app.request('/v1/accounts/grp_a/signals/scans?limit=2', {
      headers: { 'user-agent': 'agent/1' },
    });
    expect(res.status).toBe(200);
    const record = await lastRecord();
    expect(record).toMatchObject({
      event: 'scans.list',
      traceId: res.headers.get('x-trace-id'),
      actor: { userId: 'u_alice', username: 'alice' },
      accountGroupId: 'grp_a',
      query: { cursor: null, status: null, limit: '2' },
      outcome: { status: 200, code: null, cache: 'HIT', itemCount: 2, upstreamTraceId: 'up-trace' },
      client: { userAgent: 'agent/1' },
    });
    expect(record.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('an error thrown after it (403) is already the response when it records', async () => {
    const res = await app.request('/v1/accounts/grp_z/signals/scans?mode=forbidden');
    expect(res.status).toBe(403);
    expect((await lastRecord()).outcome).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('a validation failure (400) and an unexpected error (500) are recorded too', async () => {
    const bad = await app.request('/v1/accounts/grp_a/signals/scans?limit=x&limit=y&extra=1');
    expect(bad.status).toBe(400);
    expect(await lastRecord()).toMatchObject({
      traceId: bad.headers.get('x-trace-id'),
      query: { limit: 'x' },
      outcome: { status: 400, code: 'VALIDATION_ERROR' },
    });
    const crash = await app.request('/v1/accounts/grp_a/signals/scans?mode=crash');
    expect(crash.status).toBe(500);
    expect((await lastRecord()).outcome).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('when the record can be written nowhere, the page is replaced by 503 and no data', async () => {
    const down: Store = {
      ...gw.deps.store,
      appendLog: () => Promise.reject(new StoreUnavailableError(new Error('test: down'))),
    };
    const file = join(mkdtempSync(join(tmpdir(), 'sbff-audit-')), 'a-file');
    writeFileSync(file, '');
    const audit = createAuditTrail({
      store: down,
      keys: gw.deps.keys,
      spoolDir: join(file, 'spool'),
      spoolMaxBytes: 1 << 20,
      maxRecords: 1000,
      logger: gw.deps.logger,
      metrics: gw.deps.metrics,
      tracker: gw.deps.tracker,
      clock: Date.now,
    });
    const failing = buildApp({ ...gw.deps, audit });
    const res = await failing.request('/v1/accounts/grp_a/signals/scans');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.has('x-cache')).toBe(false);
    const body = (await res.json()) as {
      success: boolean;
      data: unknown;
      error: { code: string };
      traceId: string;
    };
    expect(body).toMatchObject({ success: false, data: null, error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(body.traceId).toBe(res.headers.get('x-trace-id'));
    expect(JSON.stringify(body)).not.toContain('s1');
    await audit.close();
  });
});
