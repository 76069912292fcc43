import type { MiddlewareHandler } from 'hono';
import type { EventLoopDelay } from '../../platform/event-loop-delay.js';
import type { Metrics } from '../../platform/metrics.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../request-context.js';

export interface ShedOverloadOptions {
  /** OVERLOAD_MAX_EVENT_LOOP_DELAY_MS; undefined = not a bound. */
  maxEventLoopDelayMs: number | undefined;
  /** OVERLOAD_MAX_IN_FLIGHT; undefined = not a bound. */
  maxInFlight: number | undefined;
  eventLoop: EventLoopDelay;
  metrics: Metrics;
}

/** Probes and metrics answer even when everything else is shed: they are how overload is seen. */
export const NEVER_SHED: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Past either bound, a new request is answered 503 SERVICE_UNAVAILABLE with Retry-After before any
 * work (no session lookup, no store, no vendor), so the requests already admitted keep a bounded
 * latency instead of everyone slowing down until clients time out.
 */
export function shedOverload(options: ShedOverloadOptions): MiddlewareHandler<AppEnv> {
  const { maxEventLoopDelayMs, maxInFlight, eventLoop, metrics } = options;
  let inFlight = 0;
  const shed = (reason: 'event_loop' | 'in_flight') => {
    metrics.requestsShed.inc({ reason });
    return new ApiError('SERVICE_UNAVAILABLE', 'The gateway is overloaded; retry shortly.', {
      retryAfterS: 1,
      details: { reason: 'overloaded' },
    });
  };
  return async function shedOverload(c, next) {
    if (NEVER_SHED.has(c.req.path)) return next();
    if (maxEventLoopDelayMs !== undefined && eventLoop.currentMs > maxEventLoopDelayMs)
      throw shed('event_loop');
    if (maxInFlight === undefined) return next();
    if (inFlight >= maxInFlight) throw shed('in_flight');
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  };
}
