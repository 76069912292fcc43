import { Hono } from 'hono';
import { ok } from '../envelope.js';
import type { AppEnv } from '../request-context.js';

/** Where single sign-on starts, when the gateway has it. */
export const OIDC_LOGIN_PATH = '/auth/oidc/login';

/**
 * GET /auth/methods: public, so a sign-in page knows whether to offer "Sign in with SSO". Single
 * sign-on counts as on exactly when the gateway serves GET /auth/oidc/login: the OIDC routes turn it
 * on by being mounted, with no second switch to forget.
 */
export function authMethodsRoutes(options: { serves: (method: string, path: string) => boolean }) {
  return new Hono<AppEnv>().get('/auth/methods', (c) => {
    const oidc = options.serves('GET', OIDC_LOGIN_PATH);
    return ok(c, { password: true, oidc: { enabled: oidc, loginPath: oidc ? OIDC_LOGIN_PATH : null } });
  });
}
