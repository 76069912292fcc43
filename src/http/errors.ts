import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The closed set of error codes a client can see. */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'FORBIDDEN'
  | 'CSRF_FAILED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_ATTEMPTS'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_FORBIDDEN'
  | 'UPSTREAM_INVALID_RESPONSE'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'SSO_STATE_INVALID'
  | 'SSO_FAILED'
  | 'SSO_UNAVAILABLE'
  | 'INVALID_LOGOUT_TOKEN';

/** Exhaustive on purpose: adding a code without a status fails to compile. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'VALIDATION_ERROR':
    case 'SSO_STATE_INVALID':
    case 'INVALID_LOGOUT_TOKEN':
      return 400;
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
    case 'SSO_FAILED':
      return 401;
    case 'FORBIDDEN':
    case 'CSRF_FAILED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'TOO_MANY_ATTEMPTS':
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL_ERROR':
      return 500;
    case 'UPSTREAM_ERROR':
    case 'UPSTREAM_UNAUTHORIZED':
    case 'UPSTREAM_FORBIDDEN':
    case 'UPSTREAM_INVALID_RESPONSE':
      return 502;
    case 'UPSTREAM_UNAVAILABLE':
    case 'SERVICE_UNAVAILABLE':
    case 'SSO_UNAVAILABLE':
      return 503;
    case 'UPSTREAM_TIMEOUT':
      return 504;
  }
}

export interface ApiErrorOptions {
  details?: unknown;
  /** Seconds, sent as Retry-After. */
  retryAfterS?: number;
  /** Extra response headers (e.g. Allow on 405). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type routes throw; the error handler turns it into the envelope. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly details: unknown;
  readonly retryAfterS: number | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = statusOf(code);
    this.details = options.details ?? null;
    this.retryAfterS = options.retryAfterS;
    this.headers = options.headers ?? {};
  }
}

export const serviceUnavailable = (cause?: unknown): ApiError =>
  new ApiError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly.', {
    retryAfterS: 1,
    cause,
  });
