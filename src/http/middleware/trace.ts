import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { newTraceId } from '../trace.js';

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
    c.set('facts', {});
    c.set('clientIp', clientIp(c, options.trustProxyHops));
    // Before the handler: a header added to a finished response costs a full Response rebuild.
    c.header('X-Trace-Id', traceId);
    await next();
  };
}

/**
 * With TRUST_PROXY=n, the client is the n-th address from the right of X-Forwarded-For (what the
 * n trusted proxies appended); without it, the socket's peer. Left-most entries are client-written
 * and never trusted.
 */
export function clientIp(c: Context, trustProxyHops: number): string {
  const peer = socketAddress(c);
  if (trustProxyHops === 0) return peer;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return forwarded[forwarded.length - trustProxyHops] ?? forwarded[0] ?? peer;
}

export function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
