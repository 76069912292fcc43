import { randomBytes } from 'node:crypto';

/** The vendor's error codes as its reference page names them (and the ones it implies). */
export type VendorErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT';

/** A plain answer; the route turns it into a Response in one place. */
export interface Answer {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

/** The vendor's own 24-hex trace id (ObjectId-sized), fresh per response. */
export function newTraceId(): string {
  return randomBytes(12).toString('hex');
}

export function okAnswer(data: unknown): Answer {
  // One JSON.stringify per response: the benchmarks call this path thousands of times a second.
  const body = JSON.stringify({ success: true, data, error: null, traceId: newTraceId() });
  return { status: 200, body, contentType: JSON_TYPE };
}

export function errorAnswer(
  status: number,
  code: VendorErrorCode,
  message: string,
  details: string,
  headers?: Record<string, string>,
): Answer {
  const body = JSON.stringify({
    success: false,
    data: null,
    error: { code, message, details },
    traceId: newTraceId(),
  });
  return headers === undefined
    ? { status, body, contentType: JSON_TYPE }
    : { status, body, contentType: JSON_TYPE, headers };
}

/** The code a vendor would put on an arbitrary status (mode `error` may answer any 4xx/5xx). */
export function codeForStatus(status: number): VendorErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RATE_LIMITED';
    case 502:
      return 'BAD_GATEWAY';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    case 504:
      return 'GATEWAY_TIMEOUT';
    default:
      return status < 500 ? 'VALIDATION_ERROR' : 'INTERNAL_ERROR';
  }
}

export function toResponse(answer: Answer): Response {
  const headers: Record<string, string> = { 'content-type': answer.contentType, ...answer.headers };
  return new Response(answer.body, { status: answer.status, headers });
}
