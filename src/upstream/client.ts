import { Pool } from 'undici';

import { traceparentFor } from './traceparent.js';
import { delayUnlessAborted } from '../platform/abortable-delay.js';
import type { AbortLike } from '../platform/light-abort.js';
import type { Logger } from '../platform/logger.js';
import { retryAfterSeconds } from '../platform/retry-after-seconds.js';
import type { Metrics } from '../platform/metrics.js';
import { callSignal, type CallSignal } from './call-signal.js';
import { CIRCUIT_GAUGE, createCircuitBreaker } from './circuit-breaker.js';
import type { AttemptOutcome } from './classify.js';
import { redactString } from './redact-key.js';
import { sendScansRequest } from './request.js';
import type { ScansRequest } from './request.js';
import type { ScanQuery, UpstreamClient, UpstreamFailure, UpstreamResult } from './vendor-call.js';

/** Options of the vendor client; the first seven come from Config (UPSTREAM_*, CIRCUIT_*). */
export interface UpstreamClientOptions {
  /** Origin plus an optional base path; the scans path is appended. */
  baseUrl: string;
  apiKey: string;
  /** `Authorization` carries `Bearer <key>`; any other header name carries the bare key. */
  apiKeyHeader: string;
  /** One deadline over connect, headers, body and the retry. */
  timeoutMs: number;
  /** Consecutive failures (5xx, timeout, unreachable, invalid answer) that open the circuit. */
  circuitFailures: number;
  /** How long the open circuit answers at once before one probe goes through. */
  circuitOpenMs: number;
  logger: Logger;
  metrics: Metrics;
  /** Epoch ms, for the circuit breaker and `Retry-After` dates. @default Date.now */
  clock?: () => number;
  /** Uniform [0, 1), for the retry jitter. @default Math.random */
  random?: () => number;
  /** Most sockets kept open to the vendor. @default 64 */
  connections?: number;
}

/** Backoff before the one retry: 50–150 ms, jittered so instances do not retry in step. */
const RETRY_BACKOFF_MIN_MS = 50;
const RETRY_BACKOFF_SPREAD_MS = 100;
/** A retry with less time than this left would only turn a quick failure into a timeout. */
const MIN_RETRY_BUDGET_MS = 100;
/** Headers the gateway itself sets; the key may not be configured to travel in one of them. */
const RESERVED_HEADERS = new Set(['accept', 'traceparent', 'host', 'connection', 'content-length', 'cookie']);
const W3C_TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

type Resolved = AttemptOutcome | { type: 'abandoned' };

function failed(failure: UpstreamFailure): Resolved {
  return { type: 'failure', failure, status: undefined, upstreamTraceId: undefined, transient: false };
}

/** Our deadline firing is a timeout; the caller's signal firing means nobody waits any more. */
function endedBySignal(deadline: CallSignal): Resolved {
  return deadline.timedOut() ? failed({ kind: 'timeout' }) : { type: 'abandoned' };
}

function assertUsableKey(key: string): void {
  // Never echo the key itself in the error: this message may reach a log.
  if (key === '' || !/^[\x20-\x7e]+$/.test(key) || key.trim() !== key) {
    throw new TypeError('the upstream API key must be non-empty printable ASCII without surrounding spaces');
  }
}

function scansPath(basePath: string, query: ScanQuery): string {
  const params = new URLSearchParams();
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.status !== undefined) params.set('status', query.status);
  const qs = params.toString();
  const path = `${basePath}/v1/accounts/${encodeURIComponent(query.accountGroupId)}/signals/scans`;
  return qs === '' ? path : `${path}?${qs}`;
}

/** The kinds that say the vendor is in trouble; a 4xx means it answered and is alive. */
function countsAgainstCircuit(failure: UpstreamFailure): boolean {
  switch (failure.kind) {
    case 'server_error':
    case 'timeout':
    case 'unavailable':
    case 'invalid_response':
      return true;
    case 'bad_request':
    case 'unauthorized':
    case 'forbidden':
    case 'rate_limited':
      return false;
  }
}

/**
 * The vendor client: a keep-alive undici pool to `baseUrl`, one deadline per call, at most one
 * jittered retry of transient failures (502/503/504, refused or reset connections) inside it, a
 * circuit breaker, and every answer classified into an `UpstreamResult`. It never throws for an
 * upstream problem. A caller abort (its `signal`) ends the call with `timeout`, which is neither
 * logged as a vendor failure nor counted by the breaker.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { logger, metrics, timeoutMs } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const base = new URL(options.baseUrl);
  if (base.username !== '' || base.password !== '' || base.search !== '' || base.hash !== '') {
    throw new TypeError('the upstream base URL may not carry credentials, a query or a fragment');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const keyHeader = options.apiKeyHeader.toLowerCase();
  if (RESERVED_HEADERS.has(keyHeader)) {
    throw new TypeError(`the API key cannot travel in the ${options.apiKeyHeader} header`);
  }
  const bearer = keyHeader === 'authorization';
  assertUsableKey(options.apiKey);
  let apiKey = options.apiKey;

  // The pool is bound to the origin: whatever a response says, the key cannot be sent elsewhere.
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 64,
    connect: { timeout: timeoutMs },
    // Backstops only: the per-call signal is the real deadline.
    headersTimeout: timeoutMs + 1000,
    bodyTimeout: timeoutMs + 1000,
  });

  const breaker = createCircuitBreaker({
    failures: options.circuitFailures,
    openMs: options.circuitOpenMs,
    clock,
    onChange(state) {
      metrics.circuitState.set(CIRCUIT_GAUGE[state]);
      if (state === 'open') {
        logger.warn({ circuit: state, openMs: options.circuitOpenMs }, 'upstream circuit opened');
      } else
        logger.info({ circuit: state }, `upstream circuit ${state === 'closed' ? 'closed' : 'half-open'}`);
    },
  });
  metrics.circuitState.set(CIRCUIT_GAUGE.closed);

  function headersFor(key: string, traceId: string): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (W3C_TRACE_ID.test(traceId)) headers['traceparent'] = traceparentFor(traceId);
    headers[keyHeader] = bearer ? `Bearer ${key}` : key;
    return headers;
  }

  /** One exchange, resolved against whose signal fired, and counted. */
  async function attempt(request: ScansRequest, deadline: CallSignal): Promise<Resolved> {
    const started = performance.now();
    const sent = await sendScansRequest(request);
    const resolved: Resolved = sent.type === 'aborted' ? endedBySignal(deadline) : sent;
    const outcome =
      resolved.type === 'page' ? 'ok' : resolved.type === 'abandoned' ? 'aborted' : resolved.failure.kind;
    metrics.upstreamCalls.inc({ outcome });
    metrics.upstreamDuration.observe(performance.now() - started);
    return resolved;
  }

  /** The exchange and at most one retry of a transient failure, all within the deadline. */
  async function exchange(
    request: ScansRequest,
    deadline: CallSignal,
    started: number,
    traceId: string,
    beforeRetry: ((signal: AbortLike) => Promise<boolean>) | undefined,
  ): Promise<{ result: Resolved; attempts: number }> {
    const first = await attempt(request, deadline);
    if (first.type !== 'failure' || !first.transient) return { result: first, attempts: 1 };
    const backoffMs = RETRY_BACKOFF_MIN_MS + random() * RETRY_BACKOFF_SPREAD_MS;
    if (timeoutMs - (performance.now() - started) - backoffMs < MIN_RETRY_BUDGET_MS) {
      return { result: first, attempts: 1 };
    }
    logger.info(
      { traceId, kind: first.failure.kind, status: first.status, backoffMs: Math.round(backoffMs) },
      'upstream call failed transiently; retrying once',
    );
    if (!(await delayUnlessAborted(backoffMs, request.signal)))
      return { result: endedBySignal(deadline), attempts: 1 };
    if (beforeRetry !== undefined && !(await beforeRetry(request.signal)))
      return { result: first, attempts: 1 };
    return { result: await attempt(request, deadline), attempts: 2 };
  }

  return {
    async listScans(query, { traceId, signal, beforeRetry }): Promise<UpstreamResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      // Captured now: a rotation during this call does not change the key it sends (retry included).
      const key = apiKey;
      const admission = breaker.admit();
      if (!admission.admitted) {
        metrics.upstreamCalls.inc({ outcome: 'circuit_open' });
        const retryAfterS = retryAfterSeconds(admission.retryAfterMs);
        logger.debug(
          { traceId, kind: 'unavailable', reason: 'circuit_open', retryAfterS },
          'upstream circuit open',
        );
        return {
          ok: false,
          failure: { kind: 'unavailable', reason: 'circuit_open', retryAfterS },
          upstreamTraceId: undefined,
          durationMs: elapsed(),
        };
      }

      const deadline = callSignal(timeoutMs, signal);
      const request: ScansRequest = {
        pool,
        path: scansPath(basePath, query),
        headers: headersFor(key, traceId),
        signal: deadline.signal,
        secrets: () => [key, apiKey],
        now: clock,
      };
      let outcome: { result: Resolved; attempts: number };
      try {
        outcome =
          signal?.aborted === true
            ? { result: { type: 'abandoned' }, attempts: 0 }
            : await exchange(request, deadline, started, traceId, beforeRetry);
      } catch (error) {
        // A bug, not a vendor answer: still settle the breaker (a probe must not stay taken) and answer.
        const message =
          error instanceof Error ? redactString(error.message, [key, apiKey]) : 'non-error thrown';
        logger.error({ traceId, errMessage: message }, 'upstream client failed unexpectedly');
        outcome = { result: failed({ kind: 'invalid_response', reason: 'client error' }), attempts: 1 };
      } finally {
        deadline.done();
      }
      const { result, attempts } = outcome;

      if (result.type === 'page') {
        breaker.succeeded(admission.probe);
        return { ok: true, page: result.page, durationMs: elapsed() };
      }
      if (result.type === 'abandoned') {
        breaker.abandoned(admission.probe);
        logger.info({ traceId, attempts }, 'upstream call abandoned: the caller went away');
        return { ok: false, failure: { kind: 'timeout' }, upstreamTraceId: undefined, durationMs: elapsed() };
      }
      const { failure, status, upstreamTraceId } = result;
      if (countsAgainstCircuit(failure)) breaker.failed(admission.probe);
      else breaker.succeeded(admission.probe);
      // Kind, status and ids only: never a body (it may echo the key) nor a header.
      logger.warn(
        {
          traceId,
          upstreamTraceId,
          kind: failure.kind,
          status,
          reason: 'reason' in failure ? failure.reason : undefined,
          attempts,
          durationMs: elapsed(),
        },
        'upstream call failed',
      );
      return { ok: false, failure, upstreamTraceId, durationMs: elapsed() };
    },
    setApiKey(key) {
      assertUsableKey(key);
      apiKey = key;
    },
    circuitState: () => breaker.state(),
    close: () => pool.close(),
  };
}
