import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AuditUnavailableError } from '../audit/audit-trail.js';
import { AccessDeniedError } from '../auth/access.js';
import { retryAfterSeconds } from '../platform/retry-after-seconds.js';
import type { Logger } from '../platform/logger.js';
import type { AppEnv } from './request-context.js';
import { envelopeJson, fail } from './envelope.js';
import { StoreUnavailableError } from '../store/store.js';
import { ApiError, serviceUnavailable } from './errors.js';

/** Turns anything thrown into an ApiError: the only place that decides what a failure looks like. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AccessDeniedError) return new ApiError('FORBIDDEN', error.message);
  if (error instanceof StoreUnavailableError || error instanceof AuditUnavailableError)
    return serviceUnavailable(error);
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    if (error.status === 400) return new ApiError('VALIDATION_ERROR', 'The request is malformed.');
  }
  return new ApiError('INTERNAL_ERROR', 'Something went wrong on our side.', { cause: error });
}

/**
 * The app's onError: writes every error envelope. It cannot throw: if building the envelope
 * fails, a fixed body is sent instead.
 */
export type ErrorHandler = <E extends AppEnv>(error: unknown, c: Context<E>) => Response;

export function createErrorHandler(logger: Logger): ErrorHandler {
  return function onError<E extends AppEnv>(error: unknown, c: Context<E>): Response {
    try {
      const apiError = toApiError(error);
      c.get('report').errorCode = apiError.code;
      // A 503 with a cause is a failure to look into; one without (shedding, readiness) is a state.
      if (
        apiError.code === 'INTERNAL_ERROR' ||
        (apiError.code === 'SERVICE_UNAVAILABLE' && apiError.cause !== undefined)
      ) {
        // The stack goes to the log only, under the request's trace id.
        logger.error({ traceId: c.get('traceId'), err: apiError.cause ?? apiError }, apiError.message);
      }
      const headers =
        apiError.retryAfterS === undefined
          ? apiError.headers
          : { ...apiError.headers, 'Retry-After': String(retryAfterSeconds(apiError.retryAfterS * 1000)) };
      return fail(
        c,
        apiError.status,
        { code: apiError.code, message: apiError.message, details: apiError.details },
        headers,
      );
    } catch (handlerError) {
      logger.fatal({ err: handlerError }, 'error handler failed');
      const traceId = safeTraceId(c);
      return new Response(
        envelopeJson(
          null,
          { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.', details: null },
          traceId,
        ),
        {
          status: 500,
          headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
        },
      );
    }
  };
}

function safeTraceId<E extends AppEnv>(c: Context<E>): string {
  try {
    return c.get('traceId');
  } catch {
    return 'unknown';
  }
}
