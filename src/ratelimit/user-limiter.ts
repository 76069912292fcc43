import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { UserLimiter } from './types.js';

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
  const intervalMs = 1000 / options.rps;
  const toleranceMs = (burst - 1) * intervalMs;

  return {
    async take(userId) {
      const key = keys.userBudget(userId);
      const slot = await store.reserveSlot(key, { intervalMs, burst, maxWaitMs: 0 });
      if (!slot.granted) {
        return { ok: false, limit: burst, retryAfterS: Math.max(1, Math.ceil(slot.retryAfterMs / 1000)) };
      }
      // The stored value is the budget's theoretical arrival time: how far it runs ahead of now
      // tells how many more requests fit and when the full burst is back.
      const tat = Number(await store.get(key));
      const aheadMs = Number.isFinite(tat) ? Math.min(Math.max(tat - clock(), 0), burst * intervalMs) : 0;
      const fits = Math.floor((toleranceMs - aheadMs + CLOCK_SLACK_MS) / intervalMs) + 1;
      return {
        ok: true,
        limit: burst,
        remaining: Math.min(burst, Math.max(0, fits)),
        resetS: Math.ceil(aheadMs / 1000),
      };
    },
  };
}
