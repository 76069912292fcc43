import type { Context } from 'hono';
import type { SessionEntry, SessionService } from '../auth/identity.js';
import type { AuthAuditFields, RecordAuthEvent } from './auth-audit.js';
import { csrfRefusal } from './csrf-check.js';
import { ok } from './envelope.js';
import type { SessionEnv } from './request-context.js';
import type { SessionCookie } from './session-cookie.js';

/** What ending sessions takes: the route options of session control and of the admin carry it. */
export interface SessionEndParts {
  sessions: SessionService;
  cookie: SessionCookie;
  recordAuthEvent: RecordAuthEvent;
}

/**
 * Who ends sessions, as their `auth.logout` record names them: the caller, how the caller signed
 * in, and why (`user`, `everywhere`, `revoked`).
 */
export function endedByCaller(c: Context<SessionEnv>, reason: string) {
  const user = c.get('user');
  return {
    actor: { userId: user.id, username: user.username },
    method: c.get('session').record.method,
    reason,
  };
}

/**
 * Ending sessions takes the session's CSRF token. A refusal is audited as the `auth.logout` it
 * stopped, with `fields`, then thrown: a forged logout leaves a trace like a real one.
 */
export async function requireCsrfToEnd(
  c: Context<SessionEnv>,
  audit: RecordAuthEvent,
  fields: AuthAuditFields,
): Promise<void> {
  const refused = csrfRefusal(c);
  if (refused === undefined) return;
  await audit(c, 'auth.logout', fields, refused);
  throw refused;
}

/**
 * Ends `entries` on every instance, audited as `auth.logout` with `fields` and how many ended.
 * The caller's cookie goes when the caller's own session was among them. Answers `{ended}`.
 */
export async function endSessions(
  c: Context<SessionEnv>,
  parts: SessionEndParts,
  entries: readonly SessionEntry[],
  fields: AuthAuditFields,
) {
  await parts.sessions.end(entries);
  await parts.recordAuthEvent(c, 'auth.logout', { ...fields, ended: entries.length });
  const current = c.get('session').idHash;
  if (entries.some((e) => e.idHash === current)) parts.cookie.clear(c);
  return ok(c, { ended: entries.length });
}
