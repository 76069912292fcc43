import type { ScanQuery, UpstreamFailure, UpstreamPage } from '../upstream/types.js';

export type CacheStatus = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

export interface PageRequest {
  query: ScanQuery;
  /** The client sent `Cache-Control: no-cache`: skip the stored copy, still coalesced and rate-limited. */
  bypass: boolean;
  traceId: string;
  /** Aborted when the client goes away: waiters stop waiting and make no upstream call. */
  signal?: AbortSignal | undefined;
}

export type PageOutcome =
  | { ok: true; page: UpstreamPage; cache: CacheStatus; upstreamMs: number | undefined }
  | {
      ok: false;
      failure: UpstreamFailure;
      cache: 'MISS' | 'BYPASS';
      upstreamTraceId: string | undefined;
      upstreamMs: number | undefined;
    };

/** Gets a scans page: from the cache, or through the upstream budget from the vendor. */
export interface ScanPages {
  get(request: PageRequest): Promise<PageOutcome>;
}
