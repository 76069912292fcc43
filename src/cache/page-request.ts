import type { AbortLike } from '../platform/light-abort.js';
import type { SlotQuery, SlotReservation } from '../store/store.js';

/** What the page cache serves and how it is asked; it knows pages, never who makes them. */

export type CacheStatus = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** The identity of a page: its group, status filter, cursor and size. */
export interface PageQuery {
  accountGroupId: string;
  cursor?: string | undefined;
  limit?: number | undefined;
  status?: string | undefined;
}

/** A page as cached: `dataJson` is sent as is, inside the envelope. */
export interface CachedPage {
  dataJson: string;
  itemCount: number;
  upstreamTraceId: string | undefined;
}

/** Why a request got no page and no failure to show. */
export type Unanswered = 'client_left' | 'lock_wait_expired';

/**
 * What one load gave: a page to store, a failure `F` (maybe hidden by a stale page), or no answer
 * (its waiters left, or another instance's fill neither finished nor let go in time).
 */
export type PageLoad<F> =
  | { kind: 'page'; page: CachedPage; upstreamMs: number | undefined }
  | {
      kind: 'failure';
      failure: F;
      /** The failure may be answered with a stale page when one exists (stale-if-error). */
      serveStale: boolean;
      upstreamTraceId: string | undefined;
      upstreamMs: number | undefined;
    }
  | { kind: 'unanswered'; reason: Unanswered };

/**
 * Loads a page from its source. `signal` aborts when nobody waits any more; `purpose` is
 * `refresh` for a background refresh, which nobody waits for; `reserved` is the source's rate
 * slot when the fill's lock reserved it (PageRequest.slot), else the loader reserves its own.
 */
export type PageLoader<F> = (
  signal: AbortLike | undefined,
  purpose: 'request' | 'refresh',
  reserved?: SlotReservation,
) => Promise<PageLoad<F>>;

export interface PageRequest<F> {
  query: PageQuery;
  /** The client sent `Cache-Control: no-cache`: skip the stored copy, still coalesced. */
  bypass: boolean;
  traceId: string;
  /**
   * Aborted when the client goes away: waiters stop waiting and the load may not start. Asked for
   * only when the request has to wait for a load (a hit never needs one).
   */
  signal?: (() => AbortLike) | undefined;
  /**
   * The rate slot a load from the source takes, asked for when a fill takes the page's lock: the
   * lock and the slot are then one round trip (Store.lockAndReserve). Undefined: no slot to take.
   */
  slot?: (() => SlotQuery | undefined) | undefined;
  load: PageLoader<F>;
}

export type PageOutcome<F> =
  | { ok: true; page: CachedPage; cache: CacheStatus; upstreamMs: number | undefined }
  | {
      ok: false;
      failure: F;
      cache: 'MISS' | 'BYPASS';
      upstreamTraceId: string | undefined;
      upstreamMs: number | undefined;
    }
  | { ok: false; unanswered: Unanswered; cache: 'MISS' | 'BYPASS' };

/** Gets a page: from the cache, or through `request.load`, one load per page across instances. */
export interface ScanPages {
  get<F>(request: PageRequest<F>): Promise<PageOutcome<F>>;
}
