import type { MiddlewareHandler } from 'hono';
import { clientIp } from '../client-address.js';
import type { AppEnv } from '../request-context.js';
import { newTraceId } from '../trace-id.js';

/**
 * First in the chain: the gateway's own trace id (never a client's or the upstream's), the start
 * time and the client address, which later middleware, the log and the audit record all use.
 */
export function traceRequest(options: {
  trustProxyHops: number;
  clock: () => number;
}): MiddlewareHandler<AppEnv> {
  return async function traceRequest(c, next) {
    const traceId = newTraceId();
    c.set('traceId', traceId);
    c.set('startedAt', options.clock());
    c.set('report', {});
    c.set('clientIp', clientIp(c, options.trustProxyHops));
    // Before the handler: a header added to a finished response costs a full Response rebuild.
    c.header('X-Trace-Id', traceId);
    await next();
  };
}
