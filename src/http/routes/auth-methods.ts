import { Hono } from 'hono';
import { ok } from '../envelope.js';
import type { AppEnv } from '../request-context.js';
import { PASSWORD_LOGIN_PATH } from './auth.js';
import { OIDC_LOGIN_PATH } from './oidc.js';

/**
 * GET /auth/methods: public, so a sign-in page knows which ways to sign in to offer. Each counts
 * as on exactly when the gateway serves its route (POST /auth/login, GET /auth/oidc/login): the
 * routes turn a method on by being mounted, with no second switch to forget.
 */
export function authMethodsRoutes(options: { serves: (method: string, path: string) => boolean }) {
  return new Hono<AppEnv>().get('/auth/methods', (c) => {
    const password = options.serves('POST', PASSWORD_LOGIN_PATH);
    const oidc = options.serves('GET', OIDC_LOGIN_PATH);
    return ok(c, { password, oidc: { enabled: oidc, loginPath: oidc ? OIDC_LOGIN_PATH : null } });
  });
}
