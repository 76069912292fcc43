import { requireGroupAccess } from '../auth/access.js';
import type { Principal } from '../auth/identity.js';
import type { CacheStatus, PageLoad, PageLoader, ScanPages } from '../cache/page-request.js';
import type { AbortLike } from '../platform/light-abort.js';
import type { Metrics } from '../platform/metrics.js';
import type { UpstreamBudget, UserLimiter, UserLimitResult } from '../ratelimit/limit-results.js';
import type { SlotQuery } from '../store/store.js';
import type { ScanQuery, UpstreamClient, UpstreamFailure, UpstreamPage } from '../upstream/vendor-call.js';

export interface ListScansRequest {
  user: Principal;
  query: ScanQuery;
  /** `Cache-Control: no-cache`: skip the cached copy (still rate-limited and coalesced). */
  bypass: boolean;
  traceId: string;
  /** Aborts when the client goes away; asked for only when a load has to be waited for. */
  signal?: (() => AbortLike) | undefined;
}

type Granted = Extract<UserLimitResult, { ok: true }>;

export type ListScansResult =
  | {
      kind: 'page';
      page: UpstreamPage;
      cache: CacheStatus;
      upstreamMs: number | undefined;
      userLimit: Granted;
    }
  | { kind: 'user_limited'; userLimit: Extract<UserLimitResult, { ok: false }> }
  | {
      kind: 'upstream_failure';
      failure: UpstreamFailure;
      cache: 'MISS' | 'BYPASS';
      upstreamTraceId: string | undefined;
      upstreamMs: number | undefined;
      userLimit: Granted;
    };

export interface ListScansOptions {
  pages: ScanPages;
  userLimiter: UserLimiter;
  budget: UpstreamBudget;
  upstream: UpstreamClient;
  metrics: Metrics;
  /** `RATE_MAX_WAIT_MS`: a vendor 429 is retried once when its pause fits in this wait. */
  maxWaitMs: number;
}

export type ListScans = (request: ListScansRequest) => Promise<ListScansResult>;

/**
 * The scans list, top to bottom: the group is checked (AccessDeniedError: nothing else runs), the
 * user's own limit is taken, then the page comes from the cache or, on a miss, through the shared
 * vendor budget from the vendor.
 */
export function createListScans(options: ListScansOptions): ListScans {
  const { pages, userLimiter, metrics } = options;
  const loaderFor = createVendorLoader(options);
  const slot = vendorSlot(options);

  return async function listScans(request) {
    requireGroupAccess(request.user, request.query.accountGroupId);

    const userLimit = await userLimiter.take(request.user.id);
    if (!userLimit.ok) {
      metrics.rateRejections.inc({ limit: 'user' });
      return { kind: 'user_limited', userLimit };
    }

    const outcome = await pages.get({
      query: request.query,
      bypass: request.bypass,
      traceId: request.traceId,
      signal: request.signal,
      slot,
      load: loaderFor(request.query, request.traceId),
    });
    if (outcome.ok) return { kind: 'page', ...outcome, userLimit };
    if ('unanswered' in outcome) {
      // Nobody reads this answer (the client left, or a fill elsewhere hung): the log and audit do.
      return failed({ kind: 'timeout' }, outcome.cache, undefined, undefined, userLimit);
    }
    return failed(outcome.failure, outcome.cache, outcome.upstreamTraceId, outcome.upstreamMs, userLimit);
  };
}

const failed = (
  failure: UpstreamFailure,
  cache: 'MISS' | 'BYPASS',
  upstreamTraceId: string | undefined,
  upstreamMs: number | undefined,
  userLimit: Granted,
): ListScansResult => ({ kind: 'upstream_failure', failure, cache, upstreamTraceId, upstreamMs, userLimit });

/** These vendor failures are answered with a stale page when one exists; the others are answers. */
const SERVE_STALE_ON: ReadonlySet<UpstreamFailure['kind']> = new Set([
  'server_error',
  'timeout',
  'rate_limited',
  'unavailable',
]);

/** The vendor slot a fill takes with its page lock; none while the circuit is open (no call). */
export function vendorSlot({ budget, upstream }: Pick<ListScansOptions, 'budget' | 'upstream'>) {
  return (): SlotQuery | undefined => (upstream.circuitState() === 'open' ? undefined : budget.slotQuery());
}

/**
 * How the cache loads a page from the vendor: a slot of the shared budget, then the call. A
 * vendor 429 pauses every instance; a request (not a background refresh) retries once when the
 * pause fits in its max wait.
 */
export function createVendorLoader(options: Pick<ListScansOptions, 'budget' | 'upstream' | 'maxWaitMs'>) {
  const { budget, upstream, maxWaitMs } = options;
  return (query: ScanQuery, traceId: string): PageLoader<UpstreamFailure> =>
    async function loadFromVendor(signal, purpose, reserved): Promise<PageLoad<UpstreamFailure>> {
      for (let attempt = 1; ; attempt += 1) {
        // An open circuit answers without calling: no reason to spend or wait for a slot.
        if (upstream.circuitState() !== 'open') {
          const slot = await budget.acquire({ signal, reserved: attempt === 1 ? reserved : undefined });
          if (!slot.ok) {
            if (signal?.aborted === true) return { kind: 'unanswered', reason: 'client_left' };
            return vendorFailure(
              { kind: 'rate_limited', retryAfterS: slot.retryAfterS },
              undefined,
              undefined,
            );
          }
        }
        // Everyone waiting for this page may have left while it queued: then the call is not made.
        if (signal?.aborted === true) return { kind: 'unanswered', reason: 'client_left' };
        const result = await upstream.listScans(query, {
          traceId,
          // The client's one retry of a transient failure is a vendor call: it takes a slot too.
          beforeRetry: async (callSignal) => (await budget.acquire({ signal: callSignal })).ok,
        });
        if (result.ok) return { kind: 'page', page: result.page, upstreamMs: result.durationMs };
        if (result.failure.kind === 'rate_limited') {
          await budget.pause(result.failure.retryAfterS);
          const fits = result.failure.retryAfterS * 1000 <= maxWaitMs;
          if (purpose === 'request' && attempt === 1 && fits) continue;
        }
        return vendorFailure(result.failure, result.upstreamTraceId, result.durationMs);
      }
    };
}

const vendorFailure = (
  failure: UpstreamFailure,
  upstreamTraceId: string | undefined,
  upstreamMs: number | undefined,
): PageLoad<UpstreamFailure> => ({
  kind: 'failure',
  failure,
  serveStale: SERVE_STALE_ON.has(failure.kind),
  upstreamTraceId,
  upstreamMs,
});
