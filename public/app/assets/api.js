// @ts-check
// The gateway's API as a frontend sees it: every answer is the envelope {success, data, error, traceId}.
// The shapes of `data` are those of /openapi.json.

/**
 * @typedef {{ user: { id: string, username: string, accountGroups: string[], roles: string[] }, csrfToken: string, expiresAt: string }} SessionData
 * @typedef {{ password: boolean, oidc: { enabled: boolean, loginPath: string | null } }} SignInMethods
 * @typedef {{ items: Record<string, unknown>[], nextCursor: string | null, hasMore: boolean }} ScanPage
 */

/**
 * @typedef {{ code: string, message: string, details: unknown }} ErrorBody
 * @typedef {{ ok: true, status: number, data: unknown, traceId: string, headers: Headers }} Success
 * @typedef {{ ok: false, status: number, error: ErrorBody, traceId: string, headers: Headers, retryAfterS: number | undefined }} Failure
 * @typedef {Success | Failure} Answer
 */

/**
 * @param {unknown} value
 * @returns {value is { success: boolean, data: unknown, error: ErrorBody | null, traceId: string }}
 */
function isEnvelope(value) {
  return typeof value === 'object' && value !== null && 'success' in value && 'traceId' in value;
}

/** @param {Headers} headers */
function retryAfterOf(headers) {
  const value = Number(headers.get('retry-after'));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * One call. Same origin, so the session cookie goes along by itself; the CSRF token, when given,
 * goes in X-CSRF-Token. Never throws: a network failure is an answer with status 0.
 * @param {string} method
 * @param {string} path
 * @param {{ json?: unknown, csrfToken?: string }} [options]
 * @returns {Promise<Answer>}
 */
export async function call(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.csrfToken !== undefined) headers['x-csrf-token'] = options.csrfToken;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    });
  } catch {
    return failure(0, 'NETWORK', 'The gateway cannot be reached. Check your connection.', new Headers());
  }
  /** @type {unknown} */
  let body;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!isEnvelope(body))
    return failure(
      res.status,
      'BAD_ANSWER',
      'The gateway sent an answer this page cannot read.',
      res.headers,
    );
  if (body.success)
    return { ok: true, status: res.status, data: body.data, traceId: body.traceId, headers: res.headers };
  const error = body.error ?? { code: 'UNKNOWN', message: 'Something went wrong.', details: null };
  return {
    ok: false,
    status: res.status,
    error,
    traceId: body.traceId,
    headers: res.headers,
    retryAfterS: retryAfterOf(res.headers),
  };
}

/**
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Headers} headers
 * @returns {Failure}
 */
function failure(status, code, message, headers) {
  return {
    ok: false,
    status,
    error: { code, message, details: null },
    traceId: '',
    headers,
    retryAfterS: undefined,
  };
}

/**
 * @param {{ group: string, status: string, limit: string, cursor: string | undefined }} query
 */
export function scansPath(query) {
  const params = new URLSearchParams({ limit: query.limit });
  if (query.status !== '') params.set('status', query.status);
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  return `/v1/accounts/${encodeURIComponent(query.group)}/signals/scans?${params.toString()}`;
}
