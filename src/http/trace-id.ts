import { randomUUID } from 'node:crypto';

/**
 * A W3C-compatible trace id (32 hex chars), so it can travel upstream in `traceparent`.
 * randomUUID draws from a buffered entropy pool, far cheaper per request than randomBytes.
 */
export function newTraceId(): string {
  return randomUUID().replaceAll('-', '');
}
