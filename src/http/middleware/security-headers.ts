import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../request-context.js';

/**
 * The headers of every response: an API answer is never cached by a browser or proxy, never
 * sniffed, framed or referred; HSTS when cookies are Secure (i.e. behind TLS). A route may
 * override Cache-Control (the scans route says `private, no-store`).
 *
 * Set before the handler runs, as a fixed list: headers added to a finished response make
 * @hono/node-server build a full Response object, which measured about 5% of a cache hit's CPU.
 */
export function securityHeaders(options: { hsts: boolean }): MiddlewareHandler<AppEnv> {
  const headers: [string, string][] = [
    ['Cache-Control', 'no-store'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
  ];
  if (options.hsts) headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  return async function securityHeaders(c, next) {
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}
