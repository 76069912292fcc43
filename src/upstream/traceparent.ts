import { randomUUID } from 'node:crypto';

/** `traceparent` for the upstream call: our trace id, a fresh span id, sampled. */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;
}
