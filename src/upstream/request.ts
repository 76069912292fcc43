import type { Pool } from 'undici';

import { classifyNetworkError, classifyResponse } from './classify.js';
import type { AttemptOutcome } from './classify.js';
import { discardBody, MAX_PAGE_BYTES, readCappedBody } from './read-body.js';
import type { CappedBody } from './read-body.js';

// Error bodies are read only for a trace id and a 400's message: no reason to take more.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface ScansRequest {
  pool: Pool;
  /** Path and query, built from validated values only. */
  path: string;
  /** The complete header set: nothing else is sent. */
  headers: Record<string, string>;
  /** Aborts connect, headers and body together (deadline or caller). */
  signal: AbortSignal;
  /** Strings that must not survive into a result: the call's key and the current one (rotation). */
  secrets: () => readonly string[];
  now: () => number;
}

/** One exchange; `aborted` when the signal ended it (the caller knows whose signal it was). */
export type SendOutcome = AttemptOutcome | { type: 'aborted' };

/** Sends one GET and reads its answer within the signal; never throws for network trouble. */
export async function sendScansRequest(request: ScansRequest): Promise<SendOutcome> {
  const { pool, path, headers, signal } = request;
  let response: Awaited<ReturnType<Pool['request']>>;
  try {
    // No redirect interceptor on the pool: a 3xx is returned as is and its Location never visited.
    response = await pool.request({ method: 'GET', path, headers, signal });
  } catch (error) {
    return signal.aborted ? { type: 'aborted' } : classifyNetworkError(error);
  }
  const status = response.statusCode;
  let body: CappedBody | undefined;
  if (status >= 300 && status < 400) {
    discardBody(response.body);
  } else {
    try {
      body = await readCappedBody(
        response.body,
        response.headers['content-length'],
        status === 200 ? MAX_PAGE_BYTES : MAX_ERROR_BODY_BYTES,
      );
    } catch (error) {
      if (signal.aborted) return { type: 'aborted' };
      // A page cut off by a reset is transient like a refused connection; an error's status stands alone.
      if (status === 200) return classifyNetworkError(error);
    }
  }
  return classifyResponse(status, response.headers, body, { now: request.now(), secrets: request.secrets() });
}
