// PLACEHOLDER (audit helper replaces): records scans.list for every authenticated list call.
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';

export function auditScans(_deps: Deps): MiddlewareHandler<AppEnv> {
  return async function auditScans(_c, next) {
    await next();
  };
}
