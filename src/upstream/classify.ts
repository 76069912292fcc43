import type { IncomingHttpHeaders } from 'node:http';

import type { CappedBody } from './body-collector.js';
import { redactJson, redactString } from './redact-key.js';
import { parseRetryAfter } from './retry-after.js';
import { isVendorPage, vendorErrorSchema, vendorTraceIdOf } from './schema.js';
import { topLevelValueText } from './top-level-value.js';
import type { UpstreamFailure, UpstreamPage } from './vendor-call.js';

/** What one exchange with the vendor gave; `transient` failures may be retried once. */
export type AttemptOutcome =
  | { type: 'page'; page: UpstreamPage }
  | {
      type: 'failure';
      failure: UpstreamFailure;
      status: number | undefined;
      upstreamTraceId: string | undefined;
      transient: boolean;
    };

const MAX_MESSAGE_CHARS = 500;
const MAX_DETAILS_CHARS = 4096;
const GENERIC_BAD_REQUEST = 'The scans service rejected the request.';
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

function failure(
  f: UpstreamFailure,
  status: number | undefined,
  upstreamTraceId: string | undefined = undefined,
  transient = false,
): AttemptOutcome {
  return { type: 'failure', failure: f, status, upstreamTraceId, transient };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A 200 is usable only as the documented page, whole, within the size cap. */
function classifyPage(body: CappedBody | undefined, secrets: readonly string[]): AttemptOutcome {
  if (body === undefined) return failure({ kind: 'invalid_response', reason: 'unreadable body' }, 200);
  if (!body.ok) return failure({ kind: 'invalid_response', reason: 'oversized' }, 200);
  const text = body.bytes.toString('utf8');
  const json = parseJson(text);
  if (!json.ok) return failure({ kind: 'invalid_response', reason: 'not_json' }, 200);
  const upstreamTraceId = safeTraceId(json.value, secrets);
  if (!isVendorPage(json.value))
    return failure({ kind: 'invalid_response', reason: 'wrong_schema' }, 200, upstreamTraceId);
  const { data } = json.value;
  // Every vendor field passes through as sent: the raw text of `data`, else its re-encoding.
  let dataJson = topLevelValueText(text, 'data');
  if (dataJson === undefined) {
    try {
      dataJson = JSON.stringify(data);
    } catch {
      // JSON.parse accepts nesting that JSON.stringify then overflows the stack on.
      return failure({ kind: 'invalid_response', reason: 'too deeply nested' }, 200, upstreamTraceId);
    }
  }
  return { type: 'page', page: { dataJson, itemCount: data.items.length, upstreamTraceId } };
}

/** The vendor's trace id, unless it somehow carries the key. */
function safeTraceId(value: unknown, secrets: readonly string[]): string | undefined {
  const id = vendorTraceIdOf(value);
  return id !== undefined && secrets.some((s) => s !== '' && id.includes(s)) ? undefined : id;
}

/**
 * The vendor's 400 is the user's validation error: its message and details are kept (bounded,
 * with any occurrence of the key removed), the rest of the body is not.
 */
function badRequest(errorBody: unknown, secrets: readonly string[]): UpstreamFailure {
  const parsed = vendorErrorSchema.safeParse(errorBody);
  const error = parsed.success ? parsed.data.error : undefined;
  const raw = error?.message?.trim();
  const message =
    raw === undefined || raw === ''
      ? GENERIC_BAD_REQUEST
      : redactString(raw, secrets).slice(0, MAX_MESSAGE_CHARS);
  return { kind: 'bad_request', message, details: redactJson(error?.details, secrets, MAX_DETAILS_CHARS) };
}

/**
 * Maps the vendor's answer to an outcome (docs/upstream.md#upstream-outcomes). `body` is the capped body (undefined when
 * it could not be read, e.g. a redirect or a failed stream).
 */
export function classifyResponse(
  status: number,
  headers: IncomingHttpHeaders,
  body: CappedBody | undefined,
  context: { now: number; secrets: readonly string[] },
): AttemptOutcome {
  if (status === 200) return classifyPage(body, context.secrets);
  if (status >= 300 && status < 400) return failure({ kind: 'invalid_response', reason: 'redirect' }, status);
  const json = body?.ok === true ? parseJson(body.bytes.toString('utf8')) : { ok: false as const };
  const errorBody = json.ok ? json.value : undefined;
  const traceId = safeTraceId(errorBody, context.secrets);
  switch (status) {
    case 400:
      return failure(badRequest(errorBody, context.secrets), status, traceId);
    case 401:
      return failure({ kind: 'unauthorized' }, status, traceId);
    case 403:
      return failure({ kind: 'forbidden' }, status, traceId);
    case 429:
      return failure(
        { kind: 'rate_limited', retryAfterS: parseRetryAfter(headers['retry-after'], context.now) },
        status,
        traceId,
      );
  }
  if (status >= 500 && status < 600) {
    return failure({ kind: 'server_error', status }, status, traceId, TRANSIENT_STATUSES.has(status));
  }
  // 1xx/2xx other than 200, 404, 409…: not an answer the documented API gives to this call.
  return failure({ kind: 'invalid_response', reason: `unexpected status ${status}` }, status, traceId);
}

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const MALFORMED = new Set([
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_INFO',
]);
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The error code of a network failure, looking through undici's and Node's wrappers. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  // A socket error's cause says what really happened (ECONNRESET, EPIPE…).
  if (e.code === 'UND_ERR_SOCKET') return errorCode(e.cause) ?? 'UND_ERR_SOCKET';
  if (typeof e.code === 'string') return e.code;
  if (Array.isArray(e.errors)) return errorCode(e.errors[0]);
  return errorCode(e.cause);
}

/**
 * A failure without a (usable) response: refused and reset connections are transient (one retry);
 * DNS and routing failures are unreachable; a garbled HTTP exchange is an invalid response.
 */
export function classifyNetworkError(error: unknown): AttemptOutcome {
  const code = errorCode(error) ?? 'unknown';
  if (REFUSED.has(code))
    return failure({ kind: 'unavailable', reason: 'refused', retryAfterS: 1 }, undefined, undefined, true);
  if (RESET.has(code)) {
    return failure(
      { kind: 'unavailable', reason: 'unreachable', retryAfterS: 1 },
      undefined,
      undefined,
      true,
    );
  }
  if (code.startsWith('HPE_') || MALFORMED.has(code)) {
    return failure({ kind: 'invalid_response', reason: `malformed HTTP (${code})` }, undefined);
  }
  if (TIMED_OUT.has(code)) return failure({ kind: 'timeout' }, undefined);
  return failure({ kind: 'unavailable', reason: 'unreachable', retryAfterS: 1 }, undefined);
}
