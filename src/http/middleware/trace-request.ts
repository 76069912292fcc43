import type { Context, MiddlewareHandler } from 'hono';
import { clientIp } from '../client-address.js';
import { isEnvelopeResponse } from '../envelope.js';
import type { AppEnv } from '../request-context.js';
import { newTraceId } from '../trace-id.js';

export interface TraceRequestOptions {
  trustProxyHops: number;
  clock: () => number;
  /** The headers every answer carries (security-headers.ts). */
  headers: Readonly<Record<string, string>>;
  /**
   * Called once the answer is known, before the headers are completed (request-log.ts): here
   * rather than in a layer of its own, which every request would pass through twice.
   */
  answered?: (c: Context<AppEnv>) => void;
}

/**
 * First in the chain: the gateway's own trace id (never a client's or the upstream's), the start
 * time, the client address and the answer's headers, which later middleware, the envelope writer,
 * the log and the audit record all use; and last, the request's log line. An answer not written
 * by the envelope writer (metrics, a CORS preflight) gets the same headers afterwards.
 */
export function traceRequest(options: TraceRequestOptions): MiddlewareHandler<AppEnv> {
  const { trustProxyHops, clock, headers, answered } = options;
  return async function traceRequest(c, next) {
    const traceId = newTraceId();
    c.set('traceId', traceId);
    c.set('startedAt', clock());
    c.set('report', {});
    c.set('clientIp', clientIp(c, trustProxyHops));
    const own = { ...headers, 'X-Trace-Id': traceId };
    c.set('headers', own);
    await next();
    answered?.(c);
    if (isEnvelopeResponse(c.res)) return;
    for (const [name, value] of Object.entries(own)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  };
}
