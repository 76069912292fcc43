// PLACEHOLDER (auth helper replaces): resolves the session cookie, sets `user` and `session`.
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';

export function requireSession(_deps: Deps): MiddlewareHandler<AppEnv> {
  return function requireSession() {
    return Promise.reject(new ApiError('UNAUTHENTICATED', 'Log in first.'));
  };
}
