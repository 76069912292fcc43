import type { Context } from 'hono';
import type { SessionDetails, SessionService } from '../auth/identity.js';
import type { Metrics } from '../platform/metrics.js';
import type { RecordAuthEvent } from './auth-audit.js';
import type { AppEnv } from './request-context.js';
import type { SessionCookie } from './session-cookie.js';

/** Enough of a User-Agent to tell devices apart in GET /auth/sessions; the header has no bound. */
const USER_AGENT_CHARS = 256;

/** What starting a session takes: the route options of password and SSO login both carry it. */
export interface SessionStartParts {
  sessions: SessionService;
  cookie: SessionCookie;
  recordAuthEvent: RecordAuthEvent;
  metrics: Metrics;
}

/**
 * The end of every successful login, password or SSO: a session for `actor`, audited as
 * `auth.login`, its cookie set. Answers the new session; the caller writes the response.
 */
export async function startSession<E extends AppEnv>(
  c: Context<E>,
  parts: SessionStartParts,
  actor: { userId: string; username: string },
  origin: Pick<SessionDetails, 'method' | 'oidc'>,
) {
  const { sessions, cookie } = parts;
  // A new id at every login (no fixation); the session the browser came with ends here.
  const previous = cookie.read(c);
  if (previous !== undefined && previous !== '') await sessions.destroy(previous);
  const { method, ...claims } = origin;
  const session = await sessions.create(actor.userId, {
    method,
    ip: c.get('clientIp'),
    userAgent: c.req.header('user-agent')?.slice(0, USER_AGENT_CHARS) ?? null,
    ...claims,
  });
  try {
    await parts.recordAuthEvent(c, 'auth.login', { method, actor });
  } catch (error) {
    // Unaudited, the login must not stand.
    await sessions.destroy(session.token).catch(() => undefined);
    throw error;
  }
  cookie.set(c, session.token);
  parts.metrics.logins.inc({ result: 'success' });
  return session;
}
