// PLACEHOLDER (audit helper replaces): logs records only.
import type { BackgroundTasks } from '../background.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { AuditTrail } from './types.js';

export function createAuditTrail(options: {
  store: Store;
  keys: Keys;
  spoolDir: string;
  spoolMaxBytes: number;
  maxRecords: number;
  logger: Logger;
  metrics: Metrics;
  tracker: BackgroundTasks;
  clock: () => number;
}): AuditTrail {
  return {
    record(input) {
      options.logger.info({ audit: input }, 'audit');
      return Promise.resolve();
    },
    query: () => Promise.resolve({ items: [], nextCursor: null, hasMore: false }),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
