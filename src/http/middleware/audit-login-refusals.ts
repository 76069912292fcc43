import { createMiddleware } from 'hono/factory';
import { recordAnswer, requestAuditInput, type AuditAnswersOptions } from '../audit-input.js';
import type { AppEnv, RequestReport } from '../request-context.js';

/**
 * Records `auth.login_failed` for every login answer the login route did not record itself: one
 * refused before the password check (a body over the limit, not JSON, malformed, the store down).
 * It wraps the body limit, so even a 413 sent before the route runs is on record; while Redis is
 * down the record is spooled like any other. When it can be written nowhere the answer is 503.
 */
export function auditLoginRefusals(options: AuditAnswersOptions) {
  const { clock } = options;
  return createMiddleware<AppEnv>(async function auditLoginRefusals(c, next) {
    await next();
    if (c.req.method !== 'POST') return;
    const report: RequestReport = c.get('report');
    if (report.auditJson !== undefined) return;
    const input = requestAuditInput(
      c,
      'auth.login_failed',
      { actor: { userId: null, username: null }, status: c.res.status },
      clock(),
    );
    await recordAnswer(c, options, { ...input, method: 'password' });
  });
}
