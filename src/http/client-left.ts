import { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { LightAbort, type AbortLike } from '../platform/light-abort.js';

/**
 * Aborts when the client's connection closes before its answer is written, as the adapter's
 * `c.req.raw.signal` does, from one listener on the response's `close` instead of an
 * AbortController per request. Without the Node response (`app.request` in a test), that signal.
 */
export function clientLeftSignal(c: Context): AbortLike {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  if (!(outgoing instanceof ServerResponse)) return c.req.raw.signal;
  const left = new LightAbort();
  const onClose = () => {
    if (!outgoing.writableFinished) left.abort(new Error('Client connection prematurely closed.'));
  };
  if (outgoing.closed) onClose();
  else outgoing.once('close', onClose);
  return left;
}
