import type { Context } from 'hono';
import type { AuditInput, AuditTrail } from '../audit/audit-trail.js';
import { requestAuditInput } from './audit-input.js';
import type { ApiError } from './errors.js';
import type { AppEnv, RequestReport } from './request-context.js';

/** Enough of a typed or claimed username for the audit trail, which escapes and caps it again. */
const AUDIT_USERNAME_CHARS = 256;

export type AuthEvent = 'auth.login' | 'auth.login_failed' | 'auth.logout';

export interface AuthAuditFields {
  actor: { userId: string | null; username: string | null };
  method: string | null;
  reason?: string | null;
  subject?: AuditInput['subject'];
  /** For auth.logout: how many sessions ended. */
  ended?: number;
}

/**
 * Records an auth event of this request (login, failed login, logout: every way a session
 * starts or ends) with its answer, and keeps the record for the request's log line. Rejects when
 * the record can be written nowhere, which the caller turns into a 503.
 */
export function createAuthAudit(options: { audit: AuditTrail; clock: () => number }) {
  return async function recordAuthEvent<E extends AppEnv>(
    c: Context<E>,
    event: AuthEvent,
    fields: AuthAuditFields,
    error?: ApiError,
  ): Promise<void> {
    const report: RequestReport = c.get('report');
    const username = fields.actor.username?.slice(0, AUDIT_USERNAME_CHARS) ?? null;
    if (fields.ended !== undefined) report.itemCount = fields.ended;
    const input = requestAuditInput(
      c,
      event,
      {
        actor: { userId: fields.actor.userId, username },
        status: error?.status ?? 200,
        code: error?.code ?? null,
      },
      options.clock(),
    );
    report.auditJson = await options.audit.record({
      ...input,
      method: fields.method,
      reason: fields.reason ?? null,
      subject: fields.subject ?? null,
    });
  };
}

export type RecordAuthEvent = ReturnType<typeof createAuthAudit>;
