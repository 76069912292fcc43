import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Principal, ResolvedSession, SessionService, UserDirectory } from '../../auth/identity.js';
import { verifyLogin, type LoginServices } from '../../auth/login.js';
import type { OidcLogout } from '../../auth/oidc-logout.js';
import { MAX_PASSWORD_BYTES } from '../../auth/password-input.js';
import type { BackgroundTasks } from '../../platform/background-tasks.js';
import type { Metrics } from '../../platform/metrics.js';
import type { RecordAuthEvent } from '../auth-audit.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { AppEnv, SessionEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';
import { endedByCaller, requireCsrfToEnd } from '../session-end.js';
import { startSession } from '../session-start.js';
import { invalidInput } from '../validate.js';

/** Served only when USERS_FILE is set; /auth/methods offers password login exactly then. */
export const PASSWORD_LOGIN_PATH = '/auth/login';

/** Refused before any hashing. */
const MAX_FIELD_BYTES = MAX_PASSWORD_BYTES;

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
  recordAuthEvent: RecordAuthEvent;
  metrics: Metrics;
  tracker: BackgroundTasks;
  /** USERS_FILE is set: POST /auth/login exists. */
  passwordLogin: boolean;
  /** SSO is on: logging out of an SSO session answers the provider's end-session URL. */
  oidcLogout: OidcLogout | undefined;
}

/** POST /auth/login (when USERS_FILE is set), GET /auth/session, POST /auth/logout. */
export function authRoutes(options: AuthRoutesOptions) {
  const { cookie, sessions, users, metrics, oidcLogout } = options;
  const app = new Hono<AppEnv>();
  const byPassword = { method: 'password' } as const;
  const audit = options.recordAuthEvent;

  // Without USERS_FILE there is no password login: no route, so app.notFound answers 404, and
  // /auth/methods and /openapi.json, which read the app's routes, leave it out too.
  if (options.passwordLogin) {
    app.post(PASSWORD_LOGIN_PATH, async (c) => {
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
        await audit(c, 'auth.login_failed', { ...byPassword, actor: { userId, username } }, error);
        throw error;
      }

      const actor = { userId: result.user.id, username: result.user.username };
      const session = await startSession(c, options, actor, byPassword);
      return ok(c, sessionData(result.user, session));
    });
  }

  const withSession = new Hono<SessionEnv>();
  withSession.get('/auth/session', options.session, (c) =>
    ok(c, sessionData(c.get('user'), c.get('session'))),
  );

  withSession.post('/auth/logout', options.session, async (c) => {
    const { record, token } = c.get('session');
    const fields = endedByCaller(c, 'user');
    await requireCsrfToEnd(c, audit, fields);
    const sso = record.method === 'oidc' ? oidcLogout : undefined;
    // Built before the session goes: the ID token for id_token_hint is in its record.
    const endSessionUrl = sso?.endSessionUrl(record) ?? null;
    await sessions.destroy(token, record);
    await audit(c, 'auth.logout', { ...fields, ended: 1 });
    if (sso !== undefined)
      options.tracker.run('refresh token revocation', () => sso.revokeRefreshToken(record));
    cookie.clear(c);
    return ok(c, { loggedOut: true, endSessionUrl });
  });

  return app.route('/', withSession);
}

/**
 * The `data` of login and of GET /auth/session: groups and roles as the users file (or, for an
 * SSO session, the group map) says now, and how the user logged in.
 */
function sessionData(user: Principal, session: ResolvedSession) {
  return {
    user: { id: user.id, username: user.username, accountGroups: user.accountGroups, roles: user.roles },
    csrfToken: session.record.csrfToken,
    expiresAt: new Date(session.expiresAt).toISOString(),
    method: session.record.method,
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
