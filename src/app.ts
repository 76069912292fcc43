import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from './deps.js';
import type { AppEnv } from './http/app-env.js';
import { createErrorHandler } from './http/error-handler.js';
import { ApiError } from './http/errors.js';
import { allowedMethods } from './http/method-not-allowed.js';
import { crossSiteProtection } from './http/middleware/cross-site.js';
import { requestLog } from './http/middleware/request-log.js';
import { securityHeaders } from './http/middleware/security-headers.js';
import { traceRequest } from './http/middleware/trace.js';
import { auditRoutes } from './http/routes/audit.js';
import { authRoutes } from './http/routes/auth.js';
import { opsRoutes } from './http/routes/ops.js';
import { scansRoutes } from './http/routes/scans.js';

export const MAX_JSON_BODY_BYTES = 4 * 1024;

/**
 * Builds the gateway from its parts. Order matters: the trace id comes first so every answer
 * carries it; cross-site requests are refused before any work; bodies are capped before parsing.
 */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const onError = createErrorHandler(deps.logger);

  app.use(traceRequest({ trustProxyHops: deps.config.trustProxyHops, clock: deps.clock }));
  app.use(requestLog({ logger: deps.logger, metrics: deps.metrics, clock: deps.clock }));
  app.use(securityHeaders({ hsts: deps.config.cookie.secure }));
  app.use(crossSiteProtection(deps));
  const limitBody = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `The request body is over ${MAX_JSON_BODY_BYTES} bytes.`);
    },
  });
  // Only where a body is read: on GET the check would build a full Request for nothing.
  app.use(async function limitRequestBody(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return limitBody(c, next);
  });

  app.route('/', opsRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', scansRoutes(deps));
  app.route('/', auditRoutes(deps));

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
