// PLACEHOLDER (auth helper replaces): Origin / Sec-Fetch-Site check and CORS.
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';

export function crossSiteProtection(_deps: Deps): MiddlewareHandler<AppEnv> {
  return async function crossSiteProtection(_c, next) {
    await next();
  };
}
