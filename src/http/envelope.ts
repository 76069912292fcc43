import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from './errors.js';
import type { AppEnv } from './request-context.js';

/** The only writer of the `{success,data,error,traceId}` envelope. */

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: unknown;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function envelopeJson(data: unknown, error: ErrorBody | null, traceId: string): string {
  return JSON.stringify({ success: error === null, data: error === null ? data : null, error, traceId });
}

export function ok<E extends AppEnv>(
  c: Context<E>,
  data: unknown,
  status: ContentfulStatusCode = 200,
  headers?: Record<string, string>,
): Response {
  return send(c, envelopeJson(data, null, c.get('traceId')), status, headers);
}

/**
 * A success envelope around `data` that is already serialised (a cached page): splicing the
 * string avoids parsing and re-encoding the page on every hit.
 */
export function okSerialised<E extends AppEnv>(
  c: Context<E>,
  dataJson: string,
  headers?: Record<string, string>,
): Response {
  return send(
    c,
    `{"success":true,"data":${dataJson},"error":null,"traceId":${JSON.stringify(c.get('traceId'))}}`,
    200,
    headers,
  );
}

export function fail<E extends AppEnv>(
  c: Context<E>,
  status: ContentfulStatusCode,
  error: ErrorBody,
  headers?: Record<string, string>,
): Response {
  return send(c, envelopeJson(null, error, c.get('traceId')), status, headers);
}

const written = new WeakSet<Response>();

/** The answer came from here, with every header of the request already on it. */
export function isEnvelopeResponse(res: Response): boolean {
  return written.has(res);
}

/**
 * A Response built from a plain headers object: @hono/node-server then writes the head straight
 * from it, with no Web `Headers` in between. Nothing in the app calls `c.header`, so there are no
 * other headers to merge (a middleware that touched `c.res`, such as CORS, is merged by Hono).
 */
function send<E extends AppEnv>(
  c: Context<E>,
  body: string,
  status: ContentfulStatusCode,
  extra: Record<string, string> | undefined,
): Response {
  const headers: Record<string, string> = c.get('headers');
  headers['Content-Type'] = JSON_TYPE;
  if (extra !== undefined) Object.assign(headers, extra);
  const res = new Response(body, { status, headers });
  written.add(res);
  return res;
}

/** Headers for whatever this request answers, success or error (e.g. X-Cache before a throw). */
export function addHeaders<E extends AppEnv>(c: Context<E>, headers: Record<string, string>): void {
  Object.assign(c.get('headers'), headers);
}

/** A 302 to `location`, with every header of the request (security headers, cookies) and no body. */
export function redirect<E extends AppEnv>(c: Context<E>, location: string): Response {
  const headers: Record<string, string> = c.get('headers');
  headers['Location'] = location;
  return new Response(null, { status: 302, headers });
}
