import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { AppEnv } from '../request-context.js';

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
    const report = c.get('report');
    metrics.httpRequests.inc({ route, method: c.req.method, status: String(c.res.status) });
    metrics.httpDuration.observe({ route }, ms);
    logger.info(
      {
        traceId: c.get('traceId'),
        method: c.req.method,
        route,
        status: c.res.status,
        userId: report.userId,
        accountGroupId: report.accountGroupId,
        cache: report.cache,
        code: report.errorCode,
        upstreamMs: report.upstreamMs,
        ms,
      },
      'request',
    );
  };
}
