import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AuditUnavailableError } from '../audit/types.js';
import type { Logger } from '../logger.js';
import type { AppEnv } from './app-env.js';
import { envelopeJson, fail } from './envelope.js';
import { ApiError, StoreUnavailableError, serviceUnavailable } from './errors.js';

/** Turns anything thrown into an ApiError: the only place that decides what a failure looks like. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
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
export function createErrorHandler(logger: Logger) {
  return function onError(error: unknown, c: Context<AppEnv>): Response {
    try {
      const apiError = toApiError(error);
      c.get('facts').errorCode = apiError.code;
      if (apiError.code === 'INTERNAL_ERROR' || apiError.code === 'SERVICE_UNAVAILABLE') {
        // The stack goes to the log only, under the request's trace id.
        logger.error({ traceId: c.get('traceId'), err: apiError.cause ?? apiError }, apiError.message);
      }
      for (const [name, value] of Object.entries(apiError.headers)) c.header(name, value);
      if (apiError.retryAfterS !== undefined)
        c.header('Retry-After', String(Math.max(1, Math.ceil(apiError.retryAfterS))));
      return fail(c, apiError.status, {
        code: apiError.code,
        message: apiError.message,
        details: apiError.details,
      });
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

function safeTraceId(c: Context<AppEnv>): string {
  try {
    return c.get('traceId');
  } catch {
    return 'unknown';
  }
}
