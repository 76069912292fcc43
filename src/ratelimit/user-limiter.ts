import { gcraHeadroom } from '../store/gcra.js';
import { retryAfterSeconds } from '../platform/retry-after-seconds.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { UserLimiter } from './limit-results.js';

export interface UserLimiterOptions {
  store: Store;
  keys: Keys;
  /** Requests per second per user (`USER_RPS`). */
  rps: number;
  /** Requests a user may make at once (`USER_BURST`). */
  burst: number;
  /** Only for the advisory `remaining`/`resetS`; the limit itself runs on the store's clock. @default Date.now */
  clock?: () => number;
}

/**
 * The store's clock (Redis TIME, µs) and this one (ms, maybe a little apart) never agree exactly:
 * without slack a request could be reported one short of what is really left.
 */
const CLOCK_SLACK_MS = 5;

/**
 * Per-user GCRA on the shared store (every instance counts the same user), never waiting: a
 * request over the limit is refused with the seconds until one is allowed. Store errors
 * propagate (StoreUnavailableError → 503): the limit is never silently lifted.
 */
export function createUserLimiter(options: UserLimiterOptions): UserLimiter {
  const { store, keys, burst } = options;
  const clock = options.clock ?? Date.now;
  const budget = { intervalMs: 1000 / options.rps, burst };

  return {
    async take(userId) {
      const key = keys.userBudget(userId);
      const slot = await store.reserveSlot(key, { ...budget, maxWaitMs: 0 });
      if (!slot.granted) {
        return { ok: false, limit: burst, retryAfterS: retryAfterSeconds(slot.retryAfterMs) };
      }
      // The stored value is the budget's theoretical arrival time: how far it runs ahead of now
      // tells how many more requests fit and when the full burst is back.
      const stored = Number(await store.get(key));
      const tat = Number.isFinite(stored) ? stored : 0;
      const { remaining, resetMs } = gcraHeadroom(tat, clock(), budget, CLOCK_SLACK_MS);
      return { ok: true, limit: burst, remaining, resetS: Math.ceil(resetMs / 1000) };
    },
  };
}
