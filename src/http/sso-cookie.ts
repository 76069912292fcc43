import type { Context } from 'hono';
import { generateCookie, getCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { addHeaders } from './envelope.js';
import type { AppEnv } from './request-context.js';

const NAME = 'sbff_sso';

/**
 * Binds an SSO login to the browser that started it: a random value set by GET /auth/oidc/login
 * whose SHA-256 the login transaction keeps, checked by the callback. Without it, someone could
 * start a login, sign in at the provider as themselves and send the callback link to a victim,
 * who would then be logged in as them. `SameSite=Lax` because the provider's redirect back is a
 * cross-site navigation, on which a Strict cookie is not sent. `__Host-` when Secure. It is left
 * to expire (Max-Age: the transaction's lifetime) rather than cleared, so parallel logins in two
 * tabs both finish, and the callback's answer carries one Set-Cookie only: the session's.
 */
export interface SsoCookie {
  read(c: Context): string | undefined;
  set<E extends AppEnv>(c: Context<E>, value: string): void;
}

export function createSsoCookie(options: { secure: boolean; maxAgeS: number }): SsoCookie {
  const attributes = (maxAge: number): CookieOptions => {
    const base: CookieOptions = {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secure,
      maxAge,
    };
    return options.secure ? { ...base, prefix: 'host' } : base;
  };
  const prefix = options.secure ? 'host' : undefined;
  return {
    read: (c) => getCookie(c, NAME, prefix),
    set: (c, value) =>
      addHeaders(c, { 'Set-Cookie': generateCookie(NAME, value, attributes(options.maxAgeS)) }),
  };
}
