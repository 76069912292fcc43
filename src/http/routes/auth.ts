import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditEventName } from '../../audit/types.js';
import { csrfTokenMatches } from '../../auth/csrf.js';
import { verifyLogin } from '../../auth/login.js';
import { MAX_PASSWORD_BYTES } from '../../auth/password-input.js';
import type { ResolvedSession, User } from '../../auth/types.js';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import {
  clearSessionCookie,
  readSessionCookie,
  requireSession,
  setSessionCookie,
} from '../middleware/session.js';

/** Refused before any hashing (CONTRACT §5). */
const MAX_FIELD_BYTES = MAX_PASSWORD_BYTES;
/** Enough of a typed username for the audit trail, which escapes and caps it again. */
const AUDIT_USERNAME_CHARS = 256;

const field = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_FIELD_BYTES, `must be at most ${MAX_FIELD_BYTES} bytes`);

/** Strict: any other key, `__proto__` and `constructor` included, is a 400 and changes nothing. */
const loginSchema = z.strictObject({ username: field, password: field });

/** POST /auth/login, GET /auth/session, POST /auth/logout (CONTRACT §5). */
export function authRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const audit = (
    c: Context<AppEnv>,
    event: AuditEventName,
    actor: Actor,
    status: number,
    code: string | null,
  ) =>
    deps.audit.record({
      event,
      traceId: c.get('traceId'),
      actor: { userId: actor.userId, username: actor.username.slice(0, AUDIT_USERNAME_CHARS) },
      accountGroupId: null,
      query: null,
      outcome: { status, code, cache: null, itemCount: null, upstreamTraceId: null },
      client: { ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null },
      durationMs: Math.max(0, deps.clock() - c.get('startedAt')),
    });

  app.post('/auth/login', async (c) => {
    const { username, password } = await readCredentials(c);
    const result = await verifyLogin(deps, { username, password, ip: c.get('clientIp') });
    if (!result.ok) {
      const error =
        result.reason === 'throttled'
          ? new ApiError('TOO_MANY_ATTEMPTS', 'Too many failed logins; try again later.', {
              retryAfterS: result.retryAfterS,
            })
          : new ApiError('INVALID_CREDENTIALS', 'The username or password is not right.');
      deps.metrics.logins.inc({ result: result.reason === 'throttled' ? 'throttled' : 'failure' });
      const userId = deps.users.byUsername(username)?.id ?? null;
      await audit(c, 'auth.login_failed', { userId, username }, error.status, error.code);
      throw error;
    }

    // A new id at every login (no fixation); the session the browser came with ends here.
    const previous = readSessionCookie(c, deps.config);
    if (previous !== undefined && previous !== '') await deps.sessions.destroy(previous);
    const session = await deps.sessions.create(result.user.id);
    try {
      await audit(c, 'auth.login', { userId: result.user.id, username: result.user.username }, 200, null);
    } catch (error) {
      // Unaudited, the login must not stand.
      await deps.sessions.destroy(session.token).catch(() => undefined);
      throw error;
    }
    setSessionCookie(c, deps.config, session.token);
    deps.metrics.logins.inc({ result: 'success' });
    return ok(c, sessionData(result.user, session));
  });

  app.get('/auth/session', requireSession(deps), (c) => ok(c, sessionData(c.get('user'), c.get('session'))));

  app.post('/auth/logout', requireSession(deps), async (c) => {
    const user = c.get('user');
    const session = c.get('session');
    const actor = { userId: user.id, username: user.username };
    if (!csrfTokenMatches(c.req.header('x-csrf-token'), session.record.csrfToken)) {
      const error = new ApiError('CSRF_FAILED', 'Send the X-CSRF-Token header with the token from login.');
      await audit(c, 'auth.logout', actor, error.status, error.code);
      throw error;
    }
    await deps.sessions.destroy(session.token);
    await audit(c, 'auth.logout', actor, 200, null);
    clearSessionCookie(c, deps.config);
    return ok(c, { loggedOut: true });
  });

  return app;
}

interface Actor {
  userId: string | null;
  username: string;
}

/** The `data` of login and of GET /auth/session: groups and roles from the current users file. */
function sessionData(user: User, session: ResolvedSession) {
  return {
    user: { id: user.id, username: user.username, accountGroups: user.accountGroups, roles: user.roles },
    csrfToken: session.record.csrfToken,
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

/** JSON only (415), well-formed (400), the schema (400); the body size is capped by the app. */
async function readCredentials(c: Context<AppEnv>): Promise<z.infer<typeof loginSchema>> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the credentials as application/json.');
  }
  // A body over the limit rejects here with the body-limit error: left to the error handler (413).
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON.');
  }
  const parsed = loginSchema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      field: issue.code === 'unrecognized_keys' ? issue.keys.join(',') : issue.path.join('.') || 'body',
      message: issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message,
    }));
    throw new ApiError(
      'VALIDATION_ERROR',
      `Invalid body: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      { details },
    );
  }
  return parsed.data;
}
