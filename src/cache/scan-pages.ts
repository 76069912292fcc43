import type { BackgroundTasks } from '../background.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { UpstreamBudget } from '../ratelimit/types.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { UpstreamClient, UpstreamFailure, UpstreamPage } from '../upstream/types.js';
import { createInFlight, LEFT } from './in-flight.js';
import { createLocalTier } from './local-tier.js';
import { pageId } from './page-key.js';
import { createPageFill, type FillResult } from './page-fill.js';
import { createPageStore } from './page-store.js';
import type { PageOutcome, PageRequest, ScanPages } from './types.js';

export interface ScanPagesOptions {
  store: Store;
  keys: Keys;
  upstream: UpstreamClient;
  budget: UpstreamBudget;
  /** Seconds a page is served as HIT (`CACHE_TTL_S`). */
  ttlS: number;
  /** Seconds after that it is served as STALE while one refresh runs (`CACHE_STALE_S`). */
  staleS: number;
  tracker: BackgroundTasks;
  logger: Logger;
  metrics: Metrics;
  /** Fresh-until and stale-until are on this clock. */
  clock: () => number;
  /** `UPSTREAM_TIMEOUT_MS` (retry included): bounds how long a fill may hold its lock. */
  upstreamTimeoutMs: number;
  /** `RATE_MAX_WAIT_MS`: a fill may wait this long for its budget slot. */
  maxWaitMs: number;
  /**
   * How long a fill lock lives: long enough for two budget waits and two upstream calls (a retry
   * after a vendor 429), short enough that a dead holder's lock frees the page soon.
   * @default 2 × (upstreamTimeoutMs + maxWaitMs) + 1000
   */
  lockTtlMs?: number;
  /**
   * How long this process may serve a fresh page from its own copy without asking the store.
   * @default 1000
   */
  localTierMs?: number;
}

/** These failures serve a stale page when one exists (CONTRACT §6); the others are answers. */
const STALE_IF: ReadonlySet<UpstreamFailure['kind']> = new Set([
  'server_error',
  'timeout',
  'rate_limited',
  'unavailable',
]);

/**
 * The scans page cache, shared by every instance through the store: fresh → HIT; stale → STALE
 * at once and one background refresh across instances; miss or `no-cache` → one upstream call
 * per page across instances (in-process sharing plus a store lock), through the upstream budget.
 * A stale page stands in for an upstream failure. A store failure degrades to the upstream path.
 */
export function createScanPages(options: ScanPagesOptions): ScanPages {
  const { clock, metrics, logger } = options;
  const lockTtlMs = options.lockTtlMs ?? 2 * (options.upstreamTimeoutMs + options.maxWaitMs) + 1000;
  const pages = createPageStore(options);
  const fill = createPageFill({ ...options, pages, lockTtlMs });
  const inFlight = createInFlight<FillResult>();
  const refreshing = new Set<string>();
  const local = createLocalTier({ ttlMs: options.localTierMs ?? 1000, maxEntries: 1000 });

  const served = (page: UpstreamPage, cache: 'HIT' | 'STALE'): PageOutcome => ({
    ok: true,
    page,
    cache,
    upstreamMs: undefined,
  });

  function refreshInBackground(id: string, request: PageRequest): void {
    if (refreshing.has(id) || inFlight.has(id)) return;
    refreshing.add(id);
    options.tracker.run('cache.refresh', async () => {
      try {
        const result = await fill.refresh({ pageId: id, query: request.query, traceId: request.traceId });
        if (result?.kind === 'failure') {
          logger.info(
            { traceId: request.traceId, failure: result.failure.kind },
            'background refresh failed: the stale page stays',
          );
        }
      } finally {
        refreshing.delete(id);
      }
    });
  }

  async function resolve(request: PageRequest): Promise<PageOutcome> {
    const { query, bypass } = request;
    const id = pageId(query);
    let useStore = true;
    if (!bypass) {
      const copy = local.get(id, clock());
      if (copy !== undefined) return served(copy.page, 'HIT');
      const read = await pages.read(id, query.accountGroupId);
      if (read.kind === 'entry') {
        const now = clock();
        if (now < read.entry.freshUntil) {
          local.set(id, read.entry, now);
          return served(read.entry.page, 'HIT');
        }
        if (now < read.entry.staleUntil) {
          refreshInBackground(id, request);
          return served(read.entry.page, 'STALE');
        }
      }
      useStore = read.kind !== 'store_down';
    }
    const cache = bypass ? 'BYPASS' : 'MISS';
    const result = await inFlight.join(
      id,
      (signal) =>
        fill.load({
          pageId: id,
          query,
          traceId: request.traceId,
          signal,
          acceptAnyEntry: !bypass,
          useStore,
        }),
      request.signal,
    );
    if (result === LEFT || result.kind === 'aborted') {
      // The client is gone; nobody reads this answer, the log and audit do.
      return {
        ok: false,
        failure: { kind: 'timeout' },
        cache,
        upstreamTraceId: undefined,
        upstreamMs: undefined,
      };
    }
    if (result.kind === 'page') {
      local.delete(id);
      return { ok: true, page: result.page, cache, upstreamMs: result.upstreamMs };
    }
    if (useStore && STALE_IF.has(result.failure.kind)) {
      const read = await pages.read(id, query.accountGroupId);
      if (read.kind === 'entry' && clock() < read.entry.staleUntil) return served(read.entry.page, 'STALE');
    }
    return {
      ok: false,
      failure: result.failure,
      cache,
      upstreamTraceId: result.upstreamTraceId,
      upstreamMs: result.upstreamMs,
    };
  }

  return {
    async get(request) {
      const outcome = await resolve(request);
      metrics.cacheResults.inc({ result: outcome.cache });
      if (!outcome.ok && outcome.failure.kind === 'rate_limited') {
        metrics.rateRejections.inc({ limit: 'upstream' });
      }
      return outcome;
    },
  };
}
