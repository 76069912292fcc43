import { createMiddleware } from 'hono/factory';
import { rawValue, recordAnswer, requestAuditInput, type AuditAnswersOptions } from '../audit-input.js';
import { firstValue, requestQuery } from '../request-query.js';
import type { SessionEnv } from '../request-context.js';

/**
 * Records `scans.list` for every list call of an authenticated user, whatever the answer: it runs
 * after the rest of the chain, when a thrown error has already become the response (Hono's
 * compose hands it to onError at the layer that threw). The response leaves only once the record
 * is durable; when it cannot be written anywhere the answer becomes 503, so no data goes out
 * unaudited.
 */
export function auditScans(options: AuditAnswersOptions) {
  const { clock } = options;
  return createMiddleware<SessionEnv>(async function auditScans(c, next) {
    await next();
    const user = c.get('user');
    // As sent (the first of a repeated one), valid or not.
    const query = requestQuery(c);
    const first = (name: string) => rawValue(firstValue(query, name));
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
    // On a 503 instead of the page, RateLimit stays true but the page's X-Cache would not.
    if (!(await recordAnswer(c, options, input))) c.res.headers.delete('X-Cache');
  });
}
