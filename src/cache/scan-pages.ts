import type { BackgroundTasks } from '../platform/background-tasks.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { createInFlight, LEFT } from './in-flight.js';
import { createLocalTier } from './local-tier.js';
import { pageId } from './page-key.js';
import { createPageFill } from './page-fill.js';
import type { CachedPage, PageLoad, PageOutcome, PageRequest, ScanPages } from './page-request.js';
import { createPageStore } from './page-store.js';

export interface ScanPagesOptions {
  store: Store;
  keys: Keys;
  /** Seconds a page is served as HIT (`CACHE_TTL_S`). */
  ttlS: number;
  /** Seconds after that it is served as STALE while one refresh runs (`CACHE_STALE_S`). */
  staleS: number;
  tracker: BackgroundTasks;
  logger: Logger;
  metrics: Metrics;
  /** Fresh-until and stale-until are on this clock. */
  clock: () => number;
  /**
   * How long a fill lock lives: longer than the slowest load (for the vendor: two budget waits
   * and two calls), short enough that a dead holder's lock frees the page soon.
   */
  lockTtlMs: number;
  /**
   * How long this process may serve a fresh page from its own copy without asking the store.
   * @default 1000
   */
  localTierMs?: number;
}

/**
 * The scans page cache, shared by every instance through the store: fresh → HIT; stale → STALE
 * at once and one background refresh across instances; miss or `no-cache` → one load per page
 * across instances (in-process sharing plus a store lock). A stale page stands in for a load
 * failure that allows it. A store failure degrades to loading without the store.
 */
export function createScanPages(options: ScanPagesOptions): ScanPages {
  const { clock, metrics, logger } = options;
  const pages = createPageStore(options);
  const fill = createPageFill({ ...options, pages });
  // Loads of one page share a promise whatever their failure type: one page, one source.
  const inFlight = createInFlight<PageLoad<unknown>>();
  const refreshing = new Set<string>();
  const local = createLocalTier({ ttlMs: options.localTierMs ?? 1000, maxEntries: 1000 });

  const served = (page: CachedPage, cache: 'HIT' | 'STALE') =>
    ({
      ok: true,
      page,
      cache,
      upstreamMs: undefined,
    }) as const;

  function refreshInBackground<F>(id: string, request: PageRequest<F>): void {
    if (refreshing.has(id) || inFlight.has(id)) return;
    refreshing.add(id);
    options.tracker.run('cache.refresh', async () => {
      try {
        const { query, load, slot } = request;
        const result = await fill.refresh({ pageId: id, query, load, slot });
        if (result?.kind === 'failure') {
          logger.info(
            { traceId: request.traceId, failure: result.failure },
            'background refresh failed: the stale page stays',
          );
        }
      } finally {
        refreshing.delete(id);
      }
    });
  }

  async function resolve<F>(request: PageRequest<F>): Promise<PageOutcome<F>> {
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
    // Joiners of a load share its loader: one page id, one source, so its failures are F too.
    const result = (await inFlight.join(
      id,
      (signal) =>
        fill.load({
          pageId: id,
          query,
          load: request.load,
          slot: request.slot,
          signal,
          acceptAnyEntry: !bypass,
          useStore,
        }),
      request.signal?.(),
    )) as PageLoad<F> | typeof LEFT;
    if (result === LEFT) return { ok: false, unanswered: 'client_left', cache };
    if (result.kind === 'unanswered') return { ok: false, unanswered: result.reason, cache };
    if (result.kind === 'page') {
      local.delete(id);
      return { ok: true, page: result.page, cache, upstreamMs: result.upstreamMs };
    }
    if (useStore && result.serveStale) {
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
      return outcome;
    },
  };
}
