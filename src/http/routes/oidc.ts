import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { BackchannelLogout } from '../../auth/backchannel-logout.js';
import type { SessionEntry, SessionService } from '../../auth/identity.js';
import type { LoginFinish, OidcLogin } from '../../auth/oidc-login.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { RecordAuthEvent } from '../auth-audit.js';
import { ok, redirect } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../request-context.js';
import type { SessionCookie } from '../session-cookie.js';
import { startSession } from '../session-start.js';
import type { SsoCookie } from '../sso-cookie.js';
import { validate } from '../validate.js';

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE = /[\u0000-\u001f\u007f\\]/;
const HERE = 'http://gateway.invalid';

/** A path on this origin only: `/x`, never `//host`, `/\host`, `https://host` or a control character. */
function isLocalPath(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || UNSAFE.test(value)) return false;
  try {
    return new URL(value, HERE).origin === HERE;
  } catch {
    return false;
  }
}

const loginQuery = z.strictObject({
  returnTo: z
    .string({ message: 'must be a path (given once)' })
    .max(2048, 'must be at most 2048 characters')
    .refine(isLocalPath, 'must be a path on this site, like /app')
    .optional(),
});

/** Where single sign-on starts; /auth/methods offers it exactly when this route is served. */
export const OIDC_LOGIN_PATH = '/auth/oidc/login';
/** Where the provider sends the browser back. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

const BINDING = /^[A-Za-z0-9_-]{43}$/;
const SSO = { method: 'oidc' } as const;

export interface OidcRoutesOptions {
  login: OidcLogin;
  backchannelLogout: BackchannelLogout;
  sessions: SessionService;
  cookie: SessionCookie;
  ssoCookie: SsoCookie;
  recordAuthEvent: RecordAuthEvent;
  metrics: Metrics;
  logger: Logger;
}

/** GET /auth/oidc/login, GET /auth/oidc/callback, POST /auth/oidc/backchannel-logout. */
export function oidcRoutes(options: OidcRoutesOptions) {
  const { login, ssoCookie, metrics, logger } = options;
  const audit = options.recordAuthEvent;
  const app = new Hono<AppEnv>();

  app.get(OIDC_LOGIN_PATH, validate('query', loginQuery), async (c) => {
    const existing = ssoCookie.read(c);
    const binding =
      existing !== undefined && BINDING.test(existing) ? existing : randomBytes(32).toString('base64url');
    const started = await login.start(c.req.valid('query').returnTo ?? '/', binding);
    if (!started.ok) {
      const error = ssoError(started.failure);
      await audit(
        c,
        'auth.login_failed',
        { ...SSO, actor: { userId: null, username: null }, reason: started.failure.kind },
        error,
      );
      throw error;
    }
    ssoCookie.set(c, binding);
    return redirect(c, started.url);
  });

  app.get(OIDC_CALLBACK_PATH, async (c) => {
    const finished = await login.finish(new URL(c.req.url).searchParams, ssoCookie.read(c));
    if (!finished.ok) {
      const error = ssoError(finished.failure);
      logger.warn(
        { traceId: c.get('traceId'), kind: finished.failure.kind, detail: finished.failure.detail },
        'SSO login refused',
      );
      metrics.logins.inc({ result: 'failure' });
      const actor = { userId: finished.userId ?? null, username: finished.username ?? null };
      await audit(c, 'auth.login_failed', { ...SSO, actor, reason: finished.failure.kind }, error);
      throw error;
    }
    const actor = { userId: finished.userId, username: finished.claims.username };
    await startSession(c, options, actor, { ...SSO, oidc: finished.claims });
    c.get('report').userId = finished.userId;
    return redirect(c, finished.returnTo);
  });

  app.post('/auth/oidc/backchannel-logout', async (c) => {
    const token = logoutTokenOf(c.req.header('content-type'), await c.req.text());
    const result = await options.backchannelLogout(token);
    const nobody = { userId: null, username: null };
    if (!result.ok) {
      const error =
        result.kind === 'unavailable'
          ? ssoError({ kind: 'unavailable', detail: result.detail })
          : new ApiError('INVALID_LOGOUT_TOKEN', 'The logout token did not verify.');
      logger.warn({ traceId: c.get('traceId'), detail: result.detail }, 'back-channel logout refused');
      await audit(c, 'auth.logout', { ...SSO, actor: nobody, reason: 'backchannel' }, error);
      throw error;
    }
    const byUser = new Map<string, SessionEntry[]>();
    for (const entry of result.ended)
      byUser.set(entry.record.userId, [...(byUser.get(entry.record.userId) ?? []), entry]);
    for (const [userId, ended] of byUser) {
      const username = ended[0]?.record.oidc?.username ?? null;
      await audit(c, 'auth.logout', {
        ...SSO,
        actor: { userId, username },
        reason: 'backchannel',
        ended: ended.length,
      });
    }
    if (byUser.size === 0)
      await audit(c, 'auth.logout', { ...SSO, actor: nobody, reason: 'backchannel', ended: 0 });
    return ok(c, { ended: result.ended.length });
  });

  return app;
}

/** The form body's `logout_token`; anything else is 400 (the body size is capped by the app). */
function logoutTokenOf(contentType: string | undefined, body: string): string {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the logout token as application/x-www-form-urlencoded.',
    );
  }
  const tokens = new URLSearchParams(body).getAll('logout_token');
  if (tokens.length !== 1 || tokens[0] === '') {
    throw new ApiError('INVALID_LOGOUT_TOKEN', 'Send exactly one logout_token.');
  }
  return tokens[0] ?? '';
}

type Failure = Extract<LoginFinish, { ok: false }>['failure'];

function ssoError(failure: Failure): ApiError {
  switch (failure.kind) {
    case 'transaction':
      return new ApiError(
        'SSO_STATE_INVALID',
        'This sign-in is unknown, used already, expired or was started in another browser; sign in again.',
      );
    case 'unavailable':
      return new ApiError('SSO_UNAVAILABLE', 'The identity provider cannot be reached; try again shortly.', {
        retryAfterS: 5,
      });
    case 'refused':
      return new ApiError('SSO_FAILED', 'The identity provider refused the sign-in.', {
        details: { reason: 'refused' },
      });
    case 'invalid':
      return new ApiError('SSO_FAILED', "The identity provider's answer did not verify.", {
        details: { reason: 'invalid' },
      });
    case 'no_mapped_group':
      return new ApiError('FORBIDDEN', 'Your account is in no group that this gateway grants access to.', {
        details: { reason: 'no_mapped_group' },
      });
  }
}
