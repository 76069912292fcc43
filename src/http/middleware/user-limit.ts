// PLACEHOLDER (rate helper replaces): USER_RPS / USER_BURST per user, 429 RATE_LIMITED + Retry-After.
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';

export function limitPerUser(_deps: Deps): MiddlewareHandler<AppEnv> {
  return async function limitPerUser(_c, next) {
    await next();
  };
}
