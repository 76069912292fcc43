import type { Socket } from 'node:net';

import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

import type { Scan } from './data.js';
import { codeForStatus, errorAnswer, JSON_TYPE, newTraceId, okAnswer, toResponse } from './envelope.js';
import type { SimulatorFaults } from './simulator-options.js';

/** What a fault needs to know about the request it spoils. */
export interface FaultContext {
  /** Aborted when the client goes away or the simulator closes. */
  gone: AbortSignal;
  /** The raw socket under Node; absent under `app.request()`. */
  socket: Socket | undefined;
  /** The key as received and the raw header value, for `echo_key`. */
  presentedKey: string;
  keyHeader: string;
  rawKeyHeader: string;
  /** The body of a genuine first page, for `truncated`. */
  firstPageBody(): string;
  /** Genuine items, for `wrong_schema` and `oversized`. */
  sampleItems(): readonly Scan[];
}

/** status 0 = nothing was answered (hang, reset). */
export interface FaultOutcome {
  response: Response;
  status: number;
}

const DEFAULT_OVERSIZED_BYTES = 20 * 1024 * 1024;
const DEFAULT_REDIRECT = 'https://example.invalid/v1/moved';
const STREAM_CHUNK_BYTES = 64 * 1024;
const PROXY_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** Resolves once the signal aborts: a hung answer ends only when the client or the simulator goes. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

const encoder = new TextEncoder();

/**
 * A valid JSON page of about `target` bytes, produced chunk by chunk on demand (the stream honours
 * back-pressure), so 20 MB never sit in memory and a client that stops reading stops the work.
 */
function oversizedStream(target: number, items: readonly Scan[]): ReadableStream<Uint8Array> {
  const itemJson = JSON.stringify(items[0] ?? {});
  const head = encoder.encode(`{"success":true,"data":{"items":[${itemJson}`);
  const tail = encoder.encode(
    `],"nextCursor":null,"hasMore":false},"error":null,"traceId":"${newTraceId()}"}`,
  );
  const unit = `,${itemJson}`;
  const unitsPerChunk = Math.max(1, Math.floor(STREAM_CHUNK_BYTES / unit.length));
  const fullChunk = encoder.encode(unit.repeat(unitsPerChunk));
  let unitsLeft = Math.max(0, Math.floor((target - head.length - tail.length) / unit.length));
  let headSent = false;

  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headSent) {
        headSent = true;
        controller.enqueue(head);
      } else if (unitsLeft >= unitsPerChunk) {
        unitsLeft -= unitsPerChunk;
        controller.enqueue(fullChunk);
      } else {
        if (unitsLeft > 0) controller.enqueue(encoder.encode(unit.repeat(unitsLeft)));
        unitsLeft = 0;
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

function answered(response: Response): FaultOutcome {
  return { response, status: response.status };
}

/** The misbehaviour of each fault mode, in one switch so a new mode cannot be forgotten. */
export async function answerFault(faults: SimulatorFaults, ctx: FaultContext): Promise<FaultOutcome> {
  const mode = faults.mode ?? 'none';
  switch (mode) {
    case 'none':
      throw new Error('answerFault called without a fault mode');
    case 'error': {
      const status = faults.status ?? 500;
      const message = status >= 500 ? 'Internal server error' : 'Request could not be processed';
      const details = `simulated upstream failure with status ${status}`;
      return answered(toResponse(errorAnswer(status, codeForStatus(status), message, details)));
    }
    case 'hang':
      await untilAborted(ctx.gone);
      return { response: RESPONSE_ALREADY_SENT, status: 0 };
    case 'reset':
      if (ctx.socket === undefined) throw new Error('fault mode reset needs a Node HTTP socket');
      // RST rather than FIN: the client sees ECONNRESET, as from a crashed load balancer.
      ctx.socket.resetAndDestroy();
      return { response: RESPONSE_ALREADY_SENT, status: 0 };
    case 'truncated': {
      // Framed correctly (Content-Length matches), so the client gets a complete response whose JSON is cut.
      const body = ctx.firstPageBody();
      return answered(
        new Response(body.slice(0, Math.floor(body.length / 2)), { headers: { 'content-type': JSON_TYPE } }),
      );
    }
    case 'not_json':
      return answered(
        new Response(PROXY_ERROR_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
      );
    case 'wrong_schema': {
      const data = { scans: ctx.sampleItems(), nextCursor: null, hasMore: false };
      return answered(toResponse(okAnswer(data)));
    }
    case 'redirect':
      return answered(
        new Response(null, { status: 302, headers: { location: faults.redirectTo ?? DEFAULT_REDIRECT } }),
      );
    case 'oversized': {
      const body = oversizedStream(faults.oversizedBytes ?? DEFAULT_OVERSIZED_BYTES, ctx.sampleItems());
      return answered(new Response(body, { headers: { 'content-type': JSON_TYPE } }));
    }
    case 'rate_limited': {
      const retryAfter = faults.retryAfter === undefined ? '1' : faults.retryAfter;
      const headers = retryAfter === null ? undefined : { 'retry-after': retryAfter };
      const answer = errorAnswer(
        429,
        'RATE_LIMITED',
        'Rate limit exceeded',
        'too many requests for this API key',
        headers,
      );
      return answered(toResponse(answer));
    }
    case 'echo_key': {
      // Deliberately careless, like a vendor that logs the request into its error: the key must not reach users.
      const message = `Internal error while authorizing API key ${ctx.presentedKey}`;
      const details = `request header ${ctx.keyHeader}: ${ctx.rawKeyHeader}`;
      return answered(toResponse(errorAnswer(500, 'INTERNAL_ERROR', message, details)));
    }
  }
}
