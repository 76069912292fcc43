import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { writeInfoLine, type Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { AppEnv, RequestReport } from './request-context.js';

/**
 * One structured line and the request metrics per request, written once the answer is known
 * (traceRequest calls it, so the request's first layer is also its last). The line carries the
 * request's audit record when it has one, serialised once by the trail.
 */
export function requestLog(options: {
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
}): (c: Context<AppEnv>) => void {
  const { logger, metrics, clock } = options;
  return function requestLog(c) {
    const route = c.res.status === 404 ? 'unmatched' : routePath(c);
    const ms = clock() - c.get('startedAt');
    const status = c.res.status;
    metrics.httpRequests.inc({ route, method: c.req.method, status: String(status) });
    metrics.httpDuration.observe({ route }, ms);
    writeInfoLine(
      logger,
      requestFields(c.get('traceId'), c.req.method, route, status, ms, c.get('report')),
      'request',
    );
  };
}

/** The request line's fields; every string that a client could have chosen is JSON-encoded. */
function requestFields(
  traceId: string,
  method: string,
  route: string,
  status: number,
  ms: number,
  report: RequestReport,
): string {
  let fields = `"traceId":"${traceId}","method":${JSON.stringify(method)},"route":${JSON.stringify(route)},"status":${status}`;
  if (report.userId !== undefined) fields += `,"userId":${JSON.stringify(report.userId)}`;
  if (report.accountGroupId !== undefined)
    fields += `,"accountGroupId":${JSON.stringify(report.accountGroupId)}`;
  if (report.cache !== undefined) fields += `,"cache":"${report.cache}"`;
  if (report.errorCode !== undefined) fields += `,"code":"${report.errorCode}"`;
  if (report.upstreamMs !== undefined) fields += `,"upstreamMs":${Math.round(report.upstreamMs)}`;
  fields += `,"ms":${ms}`;
  if (report.auditJson !== undefined) fields += `,"audit":${report.auditJson}`;
  return fields;
}
