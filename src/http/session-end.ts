import type { Context } from 'hono';
import type { AuthAuditFields, RecordAuthEvent } from './auth-audit.js';
import { csrfRefusal } from './csrf-check.js';
import type { SessionEnv } from './request-context.js';

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
