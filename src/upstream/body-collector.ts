import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AbortLike } from '../platform/light-abort.js';

/** Largest vendor page the gateway accepts (docs/upstream.md#upstream-deadline). */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; reason: 'oversized' };

/** What one dispatched exchange gave: an answer (its body read or not), or a failure before it. */
export type Received =
  | { type: 'answer'; status: number; headers: IncomingHttpHeaders; body: CappedBody | undefined }
  | { type: 'error'; error: unknown; status: number | undefined; headers: IncomingHttpHeaders };

export interface BodyRules {
  /** The most bytes read of a body with this status (then `oversized`). */
  maxBytes(status: number): number;
  /** A status whose body is not read at all: the exchange is answered and cut at the headers. */
  skipBody(status: number): boolean;
}

/**
 * An undici dispatch handler that collects the answer in memory, counting bytes as they arrive
 * and stopping the transfer beyond the cap: a declared Content-Length is not trusted (chunked
 * bodies have none), and a 20 MB answer must cost the gateway 2 MiB, not 20. No body stream, no
 * async iterator: a vendor page is a few chunks, and that machinery cost more than the reading.
 * `signal` aborts the exchange at any point; `done` is called once.
 */
export function bodyCollector(
  signal: AbortLike,
  rules: BodyRules,
  done: (received: Received) => void,
): Dispatcher.DispatchHandler {
  let settled = false;
  let started: Dispatcher.DispatchController | undefined;
  let status = 0;
  let headers: IncomingHttpHeaders = {};
  let maxBytes = 0;
  let total = 0;
  const chunks: Buffer[] = [];

  const reason = (): Error => (signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  const settle = (received: Received) => {
    if (settled) return;
    settled = true;
    signal.removeEventListener('abort', onAbort);
    done(received);
  };
  // Listened to from the start: a call still queued for a connection ends at its deadline too.
  function onAbort() {
    if (started !== undefined) started.abort(reason());
    else settle({ type: 'error', error: reason(), status: undefined, headers: {} });
  }
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  return {
    onRequestStart(controller) {
      started = controller;
      if (settled) controller.abort(reason());
    },
    onResponseStart(controller, statusCode, responseHeaders) {
      // 1xx informational answers come before the real one.
      if (statusCode < 200) return;
      status = statusCode;
      headers = responseHeaders;
      maxBytes = rules.maxBytes(statusCode);
      const skip = rules.skipBody(statusCode);
      const declared = headers['content-length'];
      if (!skip && !(typeof declared === 'string' && Number(declared) > maxBytes)) return;
      settle({
        type: 'answer',
        status,
        headers,
        body: skip ? undefined : { ok: false, reason: 'oversized' },
      });
      controller.abort(new Error('the body is not read'));
    },
    onResponseData(controller, chunk) {
      if (settled) return;
      total += chunk.length;
      if (total > maxBytes) {
        settle({ type: 'answer', status, headers, body: { ok: false, reason: 'oversized' } });
        controller.abort(new Error('the body is over its cap'));
        return;
      }
      chunks.push(chunk);
    },
    onResponseEnd() {
      const first = chunks[0];
      const bytes = chunks.length === 1 && first !== undefined ? first : Buffer.concat(chunks);
      settle({ type: 'answer', status, headers, body: { ok: true, bytes } });
    },
    onResponseError(_controller, error) {
      settle({ type: 'error', error, status: status === 0 ? undefined : status, headers });
    },
  };
}
