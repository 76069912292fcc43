import type { Context, MiddlewareHandler } from 'hono';
import type { AuditInput } from '../../audit/types.js';
import { AuditUnavailableError } from '../../audit/types.js';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';
import { createErrorHandler } from '../error-handler.js';

/** Raw request values are cut long before the record's own cap: enough to see what was sent. */
const RAW_MAX_CHARS = 4096;

/**
 * Records `scans.list` for every list call of an authenticated user, whatever the answer: it runs
 * after the rest of the chain, when a thrown error has already become the response (Hono's
 * compose hands it to onError at the layer that threw). The response leaves only once the record
 * is durable; when it cannot be written anywhere the answer becomes 503, so no data goes out
 * unaudited.
 */
export function auditScans(deps: Deps): MiddlewareHandler<AppEnv> {
  const onError = createErrorHandler(deps.logger);
  return async function auditScans(c, next) {
    await next();
    try {
      await deps.audit.record(scansListInput(c, deps.clock()));
    } catch (error) {
      // The 503 replaces the answer (Hono carries the old headers over: RateLimit stays true,
      // but the page's X-Cache would not be).
      c.res = onError(error instanceof AuditUnavailableError ? error : new AuditUnavailableError(error), c);
      c.res.headers.delete('X-Cache');
    }
  };
}

function scansListInput(c: Context<AppEnv>, now: number): AuditInput {
  const user = c.get('user');
  const facts = c.get('facts');
  // One parse of the query string for the three values (c.req.queries re-parses per call).
  const query = new URL(c.req.url).searchParams;
  const first = (name: string) => raw(query.get(name) ?? undefined);
  return {
    event: 'scans.list',
    traceId: c.get('traceId'),
    actor: { userId: user.id, username: user.username },
    accountGroupId: raw(c.req.param('accountGroupId')),
    query: { cursor: first('cursor'), status: first('status'), limit: first('limit') },
    outcome: {
      status: c.res.status,
      code: facts.errorCode ?? null,
      cache: facts.cache ?? null,
      itemCount: facts.itemCount ?? null,
      upstreamTraceId: facts.upstreamTraceId ?? null,
    },
    client: { ip: c.get('clientIp'), userAgent: raw(c.req.header('user-agent')) },
    durationMs: now - c.get('startedAt'),
  };
}

function raw(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, RAW_MAX_CHARS);
}
