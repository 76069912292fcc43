import type { Context } from 'hono';
import { generateCookie, getCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { addHeaders } from './envelope.js';
import type { AppEnv } from './request-context.js';

const NAME = 'sbff_session';

export interface SessionCookieOptions {
  /** COOKIE_SECURE: `Secure` and the `__Host-` prefix (bound to this host, Path=/, no Domain). */
  secure: boolean;
  /** COOKIE_SAMESITE @default 'Strict' */
  sameSite: 'Strict' | 'Lax';
  /** Max-Age: the absolute lifetime. The browser may forget it sooner; the store decides anyway. */
  maxAgeS: number;
}

/** The session cookie: `__Host-sbff_session` when Secure, else `sbff_session`; HttpOnly always. */
export interface SessionCookie {
  /** As the browser sees it, prefix included. */
  readonly name: string;
  /** The token the request carries, if any (not yet checked against the store). */
  read(c: Context): string | undefined;
  /** Goes out with whatever the request answers. */
  set<E extends AppEnv>(c: Context<E>, token: string): void;
  clear<E extends AppEnv>(c: Context<E>): void;
}

export function createSessionCookie(options: SessionCookieOptions): SessionCookie {
  const prefix = options.secure ? 'host' : undefined;
  const attributes = (maxAge: number): CookieOptions => {
    const base: CookieOptions = {
      path: '/',
      httpOnly: true,
      sameSite: options.sameSite,
      secure: options.secure,
      maxAge,
    };
    return options.secure ? { ...base, prefix: 'host' } : base;
  };
  return {
    name: options.secure ? `__Host-${NAME}` : NAME,
    read: (c) => getCookie(c, NAME, prefix),
    set: (c, token) =>
      addHeaders(c, { 'Set-Cookie': generateCookie(NAME, token, attributes(options.maxAgeS)) }),
    clear: (c) => addHeaders(c, { 'Set-Cookie': generateCookie(NAME, '', attributes(0)) }),
  };
}
