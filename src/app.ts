import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from './deps.js';
import { createAuthAudit } from './http/auth-audit.js';
import { createErrorHandler } from './http/error-handler.js';
import { ApiError } from './http/errors.js';
import { routeMethods } from './http/method-not-allowed.js';
import { auditLoginRefusals } from './http/middleware/audit-login-refusals.js';
import { auditScans } from './http/middleware/audit-scans.js';
import { crossSiteProtection } from './http/middleware/cross-site.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { shedOverload } from './http/middleware/shed-overload.js';
import { requireSession } from './http/middleware/session.js';
import { traceRequest } from './http/middleware/trace-request.js';
import { createRateLimitHeaders } from './http/rate-limit-headers.js';
import type { AppEnv } from './http/request-context.js';
import { createOpenApiDocument } from './http/openapi/document.js';
import { adminRoutes } from './http/routes/admin.js';
import { auditRoutes } from './http/routes/audit.js';
import { authMethodsRoutes } from './http/routes/auth-methods.js';
import { authRoutes, PASSWORD_LOGIN_PATH } from './http/routes/auth.js';
import { OIDC_CALLBACK_PATH, OIDC_LOGIN_PATH, oidcRoutes } from './http/routes/oidc.js';
import { openApiRoutes } from './http/routes/openapi.js';
import { opsRoutes } from './http/routes/ops.js';
import { pageRoutes } from './http/routes/pages.js';
import { scansRoutes } from './http/routes/scans.js';
import { sessionsRoutes } from './http/routes/sessions.js';
import { createSessionCookie } from './http/session-cookie.js';
import { createSsoCookie } from './http/sso-cookie.js';
import { LOGIN_TRANSACTION_MS } from './auth/sso.js';

export const MAX_JSON_BODY_BYTES = 4 * 1024;
const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Builds the gateway from its parts. Order matters: the trace id comes first so every answer
 * carries it; cross-site requests are refused before any work; bodies are capped before parsing.
 */
export function createApp(deps: Deps): Hono<AppEnv> {
  const { config, logger, metrics, clock } = deps;
  const app = new Hono<AppEnv>();
  const onError = createErrorHandler(logger);
  const cookie = createSessionCookie({ ...config.cookie, maxAgeS: config.session.absoluteS });
  const { sso, sessions, users } = deps;
  const session = requireSession({ cookie, sessions, users, oidcPrincipals: sso?.principals });
  const recordAuthEvent = createAuthAudit({ audit: deps.audit, clock });
  const passwordLogin = config.usersFile !== undefined;

  app.use(
    traceRequest({
      trustProxyHops: config.trustProxyHops,
      clock,
      headers: securityHeaders({ hsts: config.cookie.secure }),
      answered: requestLog({ logger, metrics, clock }),
    }),
  );
  app.use(shedOverload({ ...config.overload, eventLoop: deps.eventLoop, metrics }));
  // Pages carry no data and change nothing: a link from another site must open them (pages.ts).
  app.route('/', pageRoutes({ ui: config.uiEnabled, docs: config.docsEnabled }));
  app.use(
    crossSiteProtection({
      corsOrigins: config.corsOrigins,
      // The provider sends the browser back with a cross-site navigation; the state checks it.
      navigations: sso === undefined ? [] : [OIDC_LOGIN_PATH, OIDC_CALLBACK_PATH],
    }),
  );
  // Outside the body limit: a login refused before its route runs (413) is audited too.
  if (passwordLogin) app.use(PASSWORD_LOGIN_PATH, auditLoginRefusals({ audit: deps.audit, onError, clock }));
  const limitBody = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `The request body is over ${MAX_JSON_BODY_BYTES} bytes.`);
    },
  });
  // Only on the methods that carry a body: a GET never enters it, not even to be passed on.
  app.on(BODY_METHODS, '*', limitBody);

  app.route(
    '/',
    opsRoutes({
      pingStore: () => deps.store.ping(),
      lifecycle: deps.lifecycle,
      metrics,
      circuitState: () => deps.upstream.circuitState(),
      metricsToken: config.metricsToken,
    }),
  );
  app.route(
    '/',
    authRoutes({ ...deps, session, cookie, recordAuthEvent, passwordLogin, oidcLogout: sso?.logout }),
  );
  if (sso !== undefined) {
    const ssoCookie = createSsoCookie({ secure: config.cookie.secure, maxAgeS: LOGIN_TRANSACTION_MS / 1000 });
    app.route('/', oidcRoutes({ ...sso, sessions, cookie, ssoCookie, recordAuthEvent, metrics, logger }));
  }
  app.route('/', sessionsRoutes({ session, sessions, cookie, recordAuthEvent }));
  app.route('/', adminRoutes({ session, sessions, users, cookie, recordAuthEvent }));
  app.route(
    '/',
    authMethodsRoutes({
      serves: (method, path) => app.routes.some((r) => r.method === method && r.path === path),
    }),
  );
  app.route(
    '/',
    scansRoutes({
      session,
      audit: auditScans({ audit: deps.audit, onError, clock }),
      listScans: deps.listScans,
      rateLimitHeaders: createRateLimitHeaders(config.rate),
      maxPageLimit: config.maxPageLimit,
    }),
  );
  app.route('/', auditRoutes({ session, audit: deps.audit }));
  app.route('/', openApiRoutes({ document: createOpenApiDocument(app, { cookieName: cookie.name }) }));

  const allowedMethods = routeMethods(app.routes);
  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    if (allow === undefined) return onError(new ApiError('NOT_FOUND', 'No such route.'), c);
    return onError(
      new ApiError('METHOD_NOT_ALLOWED', `Use ${allow.join(', ')} on this route.`, {
        headers: { Allow: allow.join(', ') },
      }),
      c,
    );
  });
  app.onError(onError);
  return app;
}
