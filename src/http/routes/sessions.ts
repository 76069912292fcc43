import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { SessionEntry, SessionService } from '../../auth/identity.js';
import type { RecordAuthEvent } from '../auth-audit.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { SessionEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';
import { endedByCaller, endSessions, requireCsrfToEnd } from '../session-end.js';
import { validate } from '../validate.js';

const handleParam = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a session id from GET /auth/sessions'),
});

export interface SessionsRoutesOptions {
  session: MiddlewareHandler<SessionEnv>;
  sessions: SessionService;
  cookie: SessionCookie;
  recordAuthEvent: RecordAuthEvent;
}

/** One session as GET /auth/sessions shows it: never its cookie value nor its store key. */
function sessionItem(entry: SessionEntry, currentIdHash: string) {
  const { record } = entry;
  return {
    id: entry.handle,
    createdAt: new Date(record.createdAt).toISOString(),
    lastSeenAt: new Date(record.lastSeen).toISOString(),
    ip: record.ip,
    userAgent: record.userAgent,
    method: record.method,
    current: entry.idHash === currentIdHash,
  };
}

/** GET /auth/sessions, DELETE /auth/sessions/{id}, DELETE /auth/sessions ("log out everywhere"). */
export function sessionsRoutes(options: SessionsRoutesOptions) {
  const { sessions } = options;
  const audit = options.recordAuthEvent;
  const requireCsrf = (reason: string) =>
    async function requireCsrf(c: Context<SessionEnv>, next: () => Promise<void>) {
      await requireCsrfToEnd(c, audit, endedByCaller(c, reason));
      await next();
    };

  return new Hono<SessionEnv>()
    .get('/auth/sessions', options.session, async (c) => {
      const current = c.get('session').idHash;
      const entries = await sessions.listOf(c.get('user').id);
      return ok(c, { items: entries.map((e) => sessionItem(e, current)) });
    })
    .delete(
      '/auth/sessions/:id',
      options.session,
      requireCsrf('user'),
      validate('param', handleParam),
      async (c) => {
        const { id } = c.req.valid('param');
        const entry = (await sessions.listOf(c.get('user').id)).find((e) => e.handle === id);
        if (entry === undefined) throw new ApiError('NOT_FOUND', 'You have no live session with this id.');
        return endSessions(c, options, [entry], endedByCaller(c, 'user'));
      },
    )
    .delete('/auth/sessions', options.session, requireCsrf('everywhere'), async (c) =>
      endSessions(c, options, await sessions.listOf(c.get('user').id), endedByCaller(c, 'everywhere')),
    );
}
