import { createMiddleware } from 'hono/factory';
import type { Principal, SessionRecord, SessionService, UserDirectory } from '../../auth/identity.js';
import type { OidcPrincipals } from '../../auth/oidc-principal.js';
import { ApiError } from '../errors.js';
import type { SessionEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';

export interface RequireSessionOptions {
  cookie: SessionCookie;
  sessions: SessionService;
  /** The current users file: authorization is read from it on every request, never frozen. */
  users: UserDirectory;
  /** SSO sessions' principals through the current group map; undefined when SSO is off. */
  oidcPrincipals: OidcPrincipals | undefined;
}

const unauthenticated = () => new ApiError('UNAUTHENTICATED', 'Log in first: no valid session.');

/**
 * Resolves the session cookie and the user behind it from the CURRENT users file, so a user or a
 * group removed on SIGHUP is gone on the next request. A missing, malformed or dead session is
 * 401; a store outage propagates as StoreUnavailableError and becomes 503 — never 401, which
 * would make frontends log everyone out. Routes behind it may read `user` and `session`.
 *
 * An SSO session's user is the claims kept with it through the CURRENT group map (a changed map
 * applies at the next request); one whose groups no longer map to anything stays, seeing nothing.
 * With SSO turned off, SSO sessions end like those of a removed user.
 */
export function requireSession(options: RequireSessionOptions) {
  const { cookie, sessions, users, oidcPrincipals } = options;
  const principalOf = (record: SessionRecord): Principal | undefined => {
    if (record.oidc === undefined) return users.byId(record.userId);
    return oidcPrincipals?.(record.userId, record.oidc);
  };
  return createMiddleware<SessionEnv>(async function requireSession(c, next) {
    const token = cookie.read(c);
    if (token === undefined || token === '') throw unauthenticated();
    const resolved = await sessions.resolve(token);
    if (resolved === null) throw unauthenticated();
    const user = principalOf(resolved.record);
    if (user === undefined) {
      await sessions.destroy(token, resolved.record);
      throw unauthenticated();
    }
    c.set('user', user);
    c.set('session', { ...resolved, token });
    c.get('report').userId = user.id;
    await next();
  });
}
