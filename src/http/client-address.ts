import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

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
