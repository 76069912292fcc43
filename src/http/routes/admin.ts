import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { requireRole, ROLES } from '../../auth/access.js';
import type { SessionService, UserDirectory } from '../../auth/identity.js';
import { USER_ID } from '../../auth/user-directory.js';
import type { RecordAuthEvent } from '../auth-audit.js';
import { toApiError } from '../error-handler.js';
import type { SessionEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';
import { endedByCaller, endSessions, requireCsrfToEnd } from '../session-end.js';
import { validate } from '../validate.js';

const userParam = z.object({ userId: z.string().regex(USER_ID, 'must be a user id') });

export interface AdminRoutesOptions {
  session: MiddlewareHandler<SessionEnv>;
  sessions: SessionService;
  users: UserDirectory;
  cookie: SessionCookie;
  recordAuthEvent: RecordAuthEvent;
}

/** POST /admin/users/{userId}/sessions/revoke — role `admin` ends every session of a user. */
export function adminRoutes(options: AdminRoutesOptions) {
  const { sessions, users } = options;
  const audit = options.recordAuthEvent;
  const mayRevoke = requireRole(ROLES.admin, "Ending another user's sessions");
  /** The role, then the CSRF token: a refusal of either is audited with the user id as given. */
  const requireAdmin: MiddlewareHandler<SessionEnv> = async function requireAdmin(c, next) {
    const subject = { userId: c.req.param('userId') ?? null, username: null };
    const fields = { ...endedByCaller(c, 'revoked'), subject };
    try {
      mayRevoke(c.get('user'));
    } catch (error) {
      await audit(c, 'auth.logout', fields, toApiError(error));
      throw error;
    }
    await requireCsrfToEnd(c, audit, fields);
    await next();
  };

  return new Hono<SessionEnv>().post(
    '/admin/users/:userId/sessions/revoke',
    options.session,
    requireAdmin,
    validate('param', userParam),
    async (c) => {
      const { userId } = c.req.valid('param');
      const entries = await sessions.listOf(userId);
      const username = users.byId(userId)?.username ?? entries[0]?.record.oidc?.username ?? null;
      const subject = { userId, username };
      return endSessions(c, options, entries, { ...endedByCaller(c, 'revoked'), subject });
    },
  );
}
