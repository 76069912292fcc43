import type { AbortLike } from '../platform/light-abort.js';

/** What the gateway asks the vendor for: validated values only, never raw client input. */
export interface ScanQuery {
  accountGroupId: string;
  cursor?: string | undefined;
  limit?: number | undefined;
  status?: string | undefined;
}

/** A valid vendor page: `dataJson` is the page's `data` object, serialised once for cache and client. */
export interface UpstreamPage {
  dataJson: string;
  itemCount: number;
  upstreamTraceId: string | undefined;
}

/** Expected failures are values, not exceptions; only http/ turns them into status codes. */
export type UpstreamFailure =
  | { kind: 'bad_request'; message: string; details: unknown }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden' }
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'server_error'; status: number }
  | { kind: 'timeout' }
  | { kind: 'unavailable'; retryAfterS: number; reason: 'refused' | 'unreachable' | 'circuit_open' }
  | { kind: 'invalid_response'; reason: string };

export type UpstreamResult =
  | { ok: true; page: UpstreamPage; durationMs: number }
  | { ok: false; failure: UpstreamFailure; upstreamTraceId: string | undefined; durationMs: number };

export interface UpstreamClient {
  listScans(
    query: ScanQuery,
    options: {
      traceId: string;
      signal?: AbortLike | undefined;
      /**
       * Asked before the one retry of a transient failure, with the call's own signal (deadline
       * and caller): the retry is a vendor call too, so it needs the caller's say (a budget slot).
       * False skips it.
       */
      beforeRetry?: ((signal: AbortLike) => Promise<boolean>) | undefined;
    },
  ): Promise<UpstreamResult>;
  /** Key rotation: calls that start after this use the new key; calls in flight keep theirs. */
  setApiKey(key: string): void;
  circuitState(): 'closed' | 'half_open' | 'open';
  close(): Promise<void>;
}
