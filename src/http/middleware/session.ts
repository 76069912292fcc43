import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';

const COOKIE = 'sbff_session';

/** `__Host-sbff_session` when Secure (bound to this host, Path=/, no Domain), else `sbff_session`. */
export function sessionCookieName(cookie: Config['cookie']): string {
  return cookie.secure ? `__Host-${COOKIE}` : COOKIE;
}

function cookieOptions(config: Config, maxAgeS: number): CookieOptions {
  const base: CookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: config.cookie.sameSite,
    secure: config.cookie.secure,
    maxAge: maxAgeS,
  };
  return config.cookie.secure ? { ...base, prefix: 'host' } : base;
}

/** The session token the request carries, if any (not yet checked against the store). */
export function readSessionCookie(c: Context<AppEnv>, config: Config): string | undefined {
  return getCookie(c, COOKIE, config.cookie.secure ? 'host' : undefined);
}

/** Max-Age is the absolute lifetime: the browser may forget it sooner, the store decides anyway. */
export function setSessionCookie(c: Context<AppEnv>, config: Config, token: string): void {
  setCookie(c, COOKIE, token, cookieOptions(config, config.session.absoluteS));
}

export function clearSessionCookie(c: Context<AppEnv>, config: Config): void {
  deleteCookie(c, COOKIE, cookieOptions(config, 0));
}

const unauthenticated = () => new ApiError('UNAUTHENTICATED', 'Log in first: no valid session.');

/**
 * Resolves the session cookie and the user behind it from the CURRENT users file, so a user or a
 * group removed on SIGHUP is gone on the next request. A missing, malformed or dead session is
 * 401; a store outage propagates as StoreUnavailableError and becomes 503 — never 401, which
 * would make frontends log everyone out.
 */
export function requireSession(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requireSession(c, next) {
    const token = readSessionCookie(c, deps.config);
    if (token === undefined || token === '') throw unauthenticated();
    const resolved = await deps.sessions.resolve(token);
    if (resolved === null) throw unauthenticated();
    const user = deps.users.byId(resolved.record.userId);
    if (user === undefined) {
      await deps.sessions.destroy(token);
      throw unauthenticated();
    }
    c.set('user', user);
    c.set('session', { ...resolved, token });
    await next();
  };
}
