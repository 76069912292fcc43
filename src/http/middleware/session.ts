import { createMiddleware } from 'hono/factory';
import type { SessionService, UserDirectory } from '../../auth/identity.js';
import { ApiError } from '../errors.js';
import type { SessionEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';

export interface RequireSessionOptions {
  cookie: SessionCookie;
  sessions: SessionService;
  /** The current users file: authorization is read from it on every request, never frozen. */
  users: UserDirectory;
}

const unauthenticated = () => new ApiError('UNAUTHENTICATED', 'Log in first: no valid session.');

/**
 * Resolves the session cookie and the user behind it from the CURRENT users file, so a user or a
 * group removed on SIGHUP is gone on the next request. A missing, malformed or dead session is
 * 401; a store outage propagates as StoreUnavailableError and becomes 503 — never 401, which
 * would make frontends log everyone out. Routes behind it may read `user` and `session`.
 */
export function requireSession(options: RequireSessionOptions) {
  const { cookie, sessions, users } = options;
  return createMiddleware<SessionEnv>(async function requireSession(c, next) {
    const token = cookie.read(c);
    if (token === undefined || token === '') throw unauthenticated();
    const resolved = await sessions.resolve(token);
    if (resolved === null) throw unauthenticated();
    const user = users.byId(resolved.record.userId);
    if (user === undefined) {
      await sessions.destroy(token);
      throw unauthenticated();
    }
    c.set('user', user);
    c.set('session', { ...resolved, token });
    c.get('report').userId = user.id;
    await next();
  });
}
