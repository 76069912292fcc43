import { createMiddleware } from 'hono/factory';
import { AuditUnavailableError, type AuditTrail } from '../../audit/audit-trail.js';
import { rawValue, requestAuditInput } from '../audit-input.js';
import type { ErrorHandler } from '../error-handler.js';
import type { SessionEnv } from '../request-context.js';

export interface AuditScansOptions {
  audit: AuditTrail;
  onError: ErrorHandler;
  clock: () => number;
}

/**
 * Records `scans.list` for every list call of an authenticated user, whatever the answer: it runs
 * after the rest of the chain, when a thrown error has already become the response (Hono's
 * compose hands it to onError at the layer that threw). The response leaves only once the record
 * is durable; when it cannot be written anywhere the answer becomes 503, so no data goes out
 * unaudited.
 */
export function auditScans(options: AuditScansOptions) {
  const { audit, onError, clock } = options;
  return createMiddleware<SessionEnv>(async function auditScans(c, next) {
    await next();
    const user = c.get('user');
    // One parse of the query string for the three values (c.req.queries re-parses per call).
    const query = new URL(c.req.url).searchParams;
    const first = (name: string) => rawValue(query.get(name) ?? undefined);
    const input = requestAuditInput(
      c,
      'scans.list',
      {
        actor: { userId: user.id, username: user.username },
        status: c.res.status,
        accountGroupId: rawValue(c.req.param('accountGroupId')),
        query: { cursor: first('cursor'), status: first('status'), limit: first('limit') },
      },
      clock(),
    );
    try {
      c.get('report').auditJson = await audit.record(input);
    } catch (error) {
      // The 503 replaces the answer (Hono carries the old headers over: RateLimit stays true,
      // but the page's X-Cache would not be).
      c.res = onError(error instanceof AuditUnavailableError ? error : new AuditUnavailableError(error), c);
      c.res.headers.delete('X-Cache');
    }
  });
}
