import type { Readable } from 'node:stream';

/** Largest vendor page the gateway accepts (docs/upstream.md#upstream-deadline). */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;

/**
 * Drops a body without reading it. undici reports an unread body's destruction as an 'error'
 * event; nobody is listening any more, so it is swallowed rather than crash the process.
 */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; reason: 'oversized' };

/**
 * Reads a response body, counting bytes as they arrive and stopping the transfer beyond `maxBytes`:
 * a declared Content-Length is not trusted (chunked bodies have none), and a 20 MB answer must
 * cost the gateway 2 MiB, not 20. Rejects when the stream fails (reset, deadline).
 */
export async function readCappedBody(
  body: Readable,
  declaredLength: string | string[] | undefined,
  maxBytes: number,
): Promise<CappedBody> {
  if (typeof declaredLength === 'string' && Number(declaredLength) > maxBytes) {
    discardBody(body);
    return { ok: false, reason: 'oversized' };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      discardBody(body);
      return { ok: false, reason: 'oversized' };
    }
    chunks.push(chunk);
  }
  return {
    ok: true,
    bytes: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks),
  };
}
