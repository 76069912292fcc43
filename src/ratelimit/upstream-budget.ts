// PLACEHOLDER (rate helper replaces).
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { UpstreamBudget } from './types.js';

export function createUpstreamBudget(_options: {
  store: Store;
  keys: Keys;
  upstreamRps: number;
  upstreamBurst: number;
  maxWaitMs: number;
  instances: number;
  logger: Logger;
  metrics: Metrics;
}): UpstreamBudget {
  return { acquire: () => Promise.resolve({ ok: true, waitedMs: 0 }), pause: () => Promise.resolve() };
}
