import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditTrail } from '../../audit/audit-trail.js';
import { csrfTokenMatches } from '../../auth/csrf.js';
import type { ResolvedSession, SessionService, User, UserDirectory } from '../../auth/identity.js';
import { verifyLogin, type LoginServices } from '../../auth/login.js';
import { MAX_PASSWORD_BYTES } from '../../auth/password-input.js';
import type { Metrics } from '../../platform/metrics.js';
import { requestAuditInput } from '../audit-input.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { AppEnv, RequestReport, SessionEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';
import { invalidInput } from '../validate.js';

/** Refused before any hashing. */
const MAX_FIELD_BYTES = MAX_PASSWORD_BYTES;
/** Enough of a typed username for the audit trail, which escapes and caps it again. */
const AUDIT_USERNAME_CHARS = 256;

const field = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_FIELD_BYTES, `must be at most ${MAX_FIELD_BYTES} bytes`)
  .meta({ description: `At most ${MAX_FIELD_BYTES} bytes of UTF-8.` });

/** Strict: any other key, `__proto__` and `constructor` included, is a 400 and changes nothing. */
export const loginSchema = z.strictObject({ username: field, password: field });

export interface AuthRoutesOptions extends LoginServices {
  session: MiddlewareHandler<SessionEnv>;
  cookie: SessionCookie;
  sessions: SessionService;
  users: UserDirectory;
  audit: AuditTrail;
  metrics: Metrics;
  clock: () => number;
}

interface Actor {
  userId: string | null;
  username: string;
}

/** POST /auth/login, GET /auth/session, POST /auth/logout. */
export function authRoutes(options: AuthRoutesOptions) {
  const { cookie, sessions, users, metrics } = options;
  const app = new Hono<AppEnv>();
  const audit = async <E extends AppEnv>(
    c: Context<E>,
    event: 'auth.login' | 'auth.login_failed' | 'auth.logout',
    actor: Actor,
    error?: ApiError,
  ) => {
    const report: RequestReport = c.get('report');
    report.auditJson = await options.audit.record(
      requestAuditInput(
        c,
        event,
        {
          actor: { userId: actor.userId, username: actor.username.slice(0, AUDIT_USERNAME_CHARS) },
          status: error?.status ?? 200,
          code: error?.code ?? null,
        },
        options.clock(),
      ),
    );
  };

  app.post('/auth/login', async (c) => {
    const { username, password } = await readCredentials(c);
    const result = await verifyLogin(options, { username, password, ip: c.get('clientIp') });
    if (!result.ok) {
      const error =
        result.reason === 'throttled'
          ? new ApiError('TOO_MANY_ATTEMPTS', 'Too many failed logins; try again later.', {
              retryAfterS: result.retryAfterS,
            })
          : new ApiError('INVALID_CREDENTIALS', 'The username or password is not right.');
      metrics.logins.inc({ result: result.reason === 'throttled' ? 'throttled' : 'failure' });
      const userId = users.byUsername(username)?.id ?? null;
      await audit(c, 'auth.login_failed', { userId, username }, error);
      throw error;
    }

    // A new id at every login (no fixation); the session the browser came with ends here.
    const previous = cookie.read(c);
    if (previous !== undefined && previous !== '') await sessions.destroy(previous);
    const session = await sessions.create(result.user.id);
    try {
      await audit(c, 'auth.login', { userId: result.user.id, username: result.user.username });
    } catch (error) {
      // Unaudited, the login must not stand.
      await sessions.destroy(session.token).catch(() => undefined);
      throw error;
    }
    cookie.set(c, session.token);
    metrics.logins.inc({ result: 'success' });
    return ok(c, sessionData(result.user, session));
  });

  const withSession = new Hono<SessionEnv>();
  withSession.get('/auth/session', options.session, (c) =>
    ok(c, sessionData(c.get('user'), c.get('session'))),
  );

  withSession.post('/auth/logout', options.session, async (c) => {
    const user = c.get('user');
    const session = c.get('session');
    const actor = { userId: user.id, username: user.username };
    if (!csrfTokenMatches(c.req.header('x-csrf-token'), session.record.csrfToken)) {
      const error = new ApiError('CSRF_FAILED', 'Send the X-CSRF-Token header with the token from login.');
      await audit(c, 'auth.logout', actor, error);
      throw error;
    }
    await sessions.destroy(session.token);
    await audit(c, 'auth.logout', actor);
    cookie.clear(c);
    return ok(c, { loggedOut: true });
  });

  return app.route('/', withSession);
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
  if (!parsed.success) throw invalidInput(parsed.error, 'body', 'field');
  return parsed.data;
}
