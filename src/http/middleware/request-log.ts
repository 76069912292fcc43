import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { AppEnv } from '../app-env.js';

/** One structured line and the request metrics per request, written after the answer is known. */
export function requestLog(options: {
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
}): MiddlewareHandler<AppEnv> {
  const { logger, metrics, clock } = options;
  return async function requestLog(c, next) {
    await next();
    const route = c.res.status === 404 ? 'unmatched' : routePath(c);
    const ms = clock() - c.get('startedAt');
    const facts = c.get('facts');
    metrics.httpRequests.inc({ route, method: c.req.method, status: String(c.res.status) });
    metrics.httpDuration.observe({ route }, ms);
    const user = c.var.user as { id: string } | undefined;
    logger.info(
      {
        traceId: c.get('traceId'),
        method: c.req.method,
        route,
        status: c.res.status,
        userId: user?.id,
        accountGroupId: facts.accountGroupId,
        cache: facts.cache,
        code: facts.errorCode,
        upstreamMs: facts.upstreamMs,
        ms,
      },
      'request',
    );
  };
}
