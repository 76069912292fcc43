import type { Pool } from 'undici';

import { classifyNetworkError, classifyResponse } from './classify.js';
import type { AttemptOutcome } from './classify.js';
import { bodyCollector, MAX_PAGE_BYTES, type BodyRules, type Received } from './body-collector.js';
import type { AbortLike } from '../platform/light-abort.js';

// Error bodies are read only for a trace id and a 400's message: no reason to take more.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const RULES: BodyRules = {
  maxBytes: (status) => (status === 200 ? MAX_PAGE_BYTES : MAX_ERROR_BODY_BYTES),
  // No redirect interceptor on the pool: a 3xx is answered as is and its Location never visited.
  skipBody: (status) => status >= 300 && status < 400,
};

export interface ScansRequest {
  pool: Pool;
  /** Path and query, built from validated values only. */
  path: string;
  /** The complete header set: nothing else is sent. */
  headers: Record<string, string>;
  /** Aborts connect, headers and body together (deadline or caller). */
  signal: AbortLike;
  /** Strings that must not survive into a result: the call's key and the current one (rotation). */
  secrets: () => readonly string[];
  now: () => number;
}

/** One exchange; `aborted` when the signal ended it (the caller knows whose signal it was). */
export type SendOutcome = AttemptOutcome | { type: 'aborted' };

/** Sends one GET and reads its answer within the signal; never throws for network trouble. */
export async function sendScansRequest(request: ScansRequest): Promise<SendOutcome> {
  const { pool, path, headers, signal } = request;
  const received = await new Promise<Received>((resolve) => {
    try {
      pool.dispatch({ method: 'GET', path, headers }, bodyCollector(signal, RULES, resolve));
    } catch (error) {
      resolve({ type: 'error', error, status: undefined, headers: {} });
    }
  });
  const context = { now: request.now(), secrets: request.secrets() };
  if (received.type === 'answer')
    return classifyResponse(received.status, received.headers, received.body, context);
  if (signal.aborted) return { type: 'aborted' };
  // A page cut off by a reset is transient like a refused connection; an error's status stands alone.
  const { status } = received;
  if (status === undefined || status === 200) return classifyNetworkError(received.error);
  return classifyResponse(status, received.headers, undefined, context);
}
