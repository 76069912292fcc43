import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../request-context.js';
import { ApiError } from '../errors.js';

/**
 * The cross-site rule, before any work (no session lookup, no rate token, no upstream
 * call): a request whose `Origin` is present and neither listed in CORS_ORIGINS nor this host
 * itself, or that a browser marks `Sec-Fetch-Site: cross-site` without such an Origin, is 403
 * CSRF_FAILED. `Origin: null` (sandboxed frames, file:) is never allowed.
 *
 * Same-origin is judged by host:port against the request's `Host`, ignoring the scheme, because
 * TLS usually ends at a proxy in front. Behind a proxy that rewrites `Host`, list the public
 * origin in CORS_ORIGINS.
 *
 * Listed origins get CORS with credentials from Hono's own middleware (which also answers their
 * preflights with 204); nobody else gets any CORS header.
 */
export function crossSiteProtection(options: {
  /** CORS_ORIGINS: the other origins whose pages may call with the user's cookie. */
  corsOrigins: readonly string[];
  /**
   * Paths a top-level GET navigation may reach from another site (`Sec-Fetch-Mode: navigate`):
   * the SSO login and the provider's redirect back, which carry no Origin. @default []
   */
  navigations?: readonly string[];
}): MiddlewareHandler<AppEnv> {
  const allowed = new Set(options.corsOrigins);
  const navigations = new Set(options.navigations ?? []);
  const isNavigation = (c: Context<AppEnv>) =>
    c.req.method === 'GET' && navigations.has(c.req.path) && c.req.header('sec-fetch-mode') === 'navigate';
  const grantCors = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'DELETE'],
    allowHeaders: ['content-type', 'x-csrf-token'],
    exposeHeaders: ['X-Trace-Id', 'X-Cache', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });

  // Not async: a request it lets through costs no frame of its own (it runs on every request).
  return function crossSiteProtection(c, next) {
    const origin = c.req.header('origin');
    const listed = origin !== undefined && allowed.has(origin);
    const permitted = origin === undefined ? undefined : listed || isSameOrigin(c, origin);
    if (permitted === false) throw refused();
    if (
      permitted !== true &&
      c.req.header('sec-fetch-site')?.toLowerCase() === 'cross-site' &&
      !isNavigation(c)
    )
      throw refused();
    return listed ? grantCors(c, next) : next();
  };
}

const refused = () => new ApiError('CSRF_FAILED', 'Cross-site requests from this origin are not allowed.');

function isSameOrigin(c: Context<AppEnv>, origin: string): boolean {
  const host = c.req.header('host');
  if (host === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
