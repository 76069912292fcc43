import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './request-context.js';
import type { ErrorCode } from './errors.js';

/** The only writer of the `{success,data,error,traceId}` envelope. */

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: unknown;
}

export function envelopeJson(data: unknown, error: ErrorBody | null, traceId: string): string {
  return JSON.stringify({ success: error === null, data: error === null ? data : null, error, traceId });
}

export function ok<E extends AppEnv>(
  c: Context<E>,
  data: unknown,
  status: ContentfulStatusCode = 200,
): Response {
  return send(c, envelopeJson(data, null, c.get('traceId')), status);
}

/**
 * A success envelope around `data` that is already serialised (a cached page): splicing the
 * string avoids parsing and re-encoding the page on every hit.
 */
export function okSerialised<E extends AppEnv>(c: Context<E>, dataJson: string): Response {
  return send(
    c,
    `{"success":true,"data":${dataJson},"error":null,"traceId":${JSON.stringify(c.get('traceId'))}}`,
    200,
  );
}

export function fail<E extends AppEnv>(
  c: Context<E>,
  status: ContentfulStatusCode,
  error: ErrorBody,
): Response {
  return send(c, envelopeJson(null, error, c.get('traceId')), status);
}

function send<E extends AppEnv>(c: Context<E>, body: string, status: ContentfulStatusCode): Response {
  c.header('Content-Type', 'application/json; charset=utf-8');
  return c.body(body, status);
}
