// PLACEHOLDER (cache helper replaces): no cache yet, straight to the budget and upstream.
import type { BackgroundTasks } from '../background.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { UpstreamBudget } from '../ratelimit/types.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { UpstreamClient } from '../upstream/types.js';
import type { ScanPages } from './types.js';

export function createScanPages(options: {
  store: Store;
  keys: Keys;
  upstream: UpstreamClient;
  budget: UpstreamBudget;
  ttlS: number;
  staleS: number;
  tracker: BackgroundTasks;
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
}): ScanPages {
  return {
    async get(request) {
      const slot = await options.budget.acquire({ signal: request.signal });
      if (!slot.ok) {
        return {
          ok: false,
          failure: { kind: 'rate_limited', retryAfterS: slot.retryAfterS },
          cache: 'MISS',
          upstreamTraceId: undefined,
          upstreamMs: undefined,
        };
      }
      const result = await options.upstream.listScans(request.query, {
        traceId: request.traceId,
        signal: request.signal,
      });
      const cache = request.bypass ? 'BYPASS' : 'MISS';
      if (result.ok) return { ok: true, page: result.page, cache, upstreamMs: result.durationMs };
      return {
        ok: false,
        failure: result.failure,
        cache,
        upstreamTraceId: result.upstreamTraceId,
        upstreamMs: result.durationMs,
      };
    },
  };
}
