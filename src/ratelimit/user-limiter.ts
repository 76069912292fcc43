import { retryAfterSeconds } from '../platform/retry-after-seconds.js';
import { gcraHeadroom } from '../store/gcra.js';
import type { Keys } from '../store/keys.js';
import type { SlotBudget, Store, TokenGrant } from '../store/store.js';
import type { UserLimiter, UserLimitResult } from './limit-results.js';

export interface UserLimiterOptions {
  store: Store;
  keys: Keys;
  /** Requests per second per user (`USER_RPS`). */
  rps: number;
  /** Requests a user may make at once (`USER_BURST`). */
  burst: number;
  /**
   * Requests taken from the shared budget at once and spent here without a round trip.
   * @default between 1 and 10: a quarter of the burst
   */
  leaseSize?: number;
  /** How long unspent leased requests stay usable. @default 1000 */
  leaseMs?: number;
  /** Monotonic ms, for lease lifetimes. @default performance.now */
  clock?: () => number;
  /** Users whose leases are kept at most; the oldest go first. @default 10000 */
  maxUsers?: number;
}

const MAX_REFILLS = 1000;

/** Rounding slack for the advisory `remaining` (see gcraHeadroom). */
const HEADROOM_SLACK_MS = 5;

interface Lease {
  tokens: number;
  until: number;
  /** When the lease was taken, and what the shared budget said then. */
  at: number;
  grant: TokenGrant;
}

/**
 * Per-user GCRA on the shared store (every instance counts the same user), never waiting: a
 * request over the limit is refused with the seconds until one is allowed. Requests are taken
 * from the store a few at a time (a lease) and spent locally, so most requests make no round
 * trip. The price, documented in docs/cache-and-rate.md#per-user-limit: a user may get up to
 * (leaseSize − 1) requests more than the burst per instance, from leases taken just before the
 * budget refilled; unspent leased requests expire after `leaseMs`. Concurrent requests of one user
 * share one store call. Store errors propagate (StoreUnavailableError → 503): the limit is never
 * silently lifted.
 */
export function createUserLimiter(options: UserLimiterOptions): UserLimiter {
  const { store, keys, burst } = options;
  const clock = options.clock ?? (() => performance.now());
  const leaseMs = options.leaseMs ?? 1000;
  const maxUsers = options.maxUsers ?? 10_000;
  const budget: SlotBudget = { intervalMs: 1000 / options.rps, burst };
  const want = options.leaseSize ?? Math.max(1, Math.min(10, Math.floor(burst / 4)));
  const leases = new Map<string, Lease>();
  const pending = new Map<string, Promise<void>>();

  const refill = (userId: string): Promise<void> => {
    const inFlight = pending.get(userId);
    if (inFlight !== undefined) return inFlight;
    const taking = store
      .takeTokens(keys.userBudget(userId), { ...budget, want })
      .then((grant) => {
        const at = clock();
        leases.delete(userId);
        leases.set(userId, { tokens: grant.granted, until: at + leaseMs, at, grant });
        if (leases.size > maxUsers) {
          const oldest = leases.keys().next();
          if (oldest.done !== true) leases.delete(oldest.value);
        }
      })
      .finally(() => pending.delete(userId));
    pending.set(userId, taking);
    return taking;
  };

  const granted = (lease: Lease): UserLimitResult => {
    const elapsed = clock() - lease.at;
    // What the shared budget still had once this lease was taken, plus what is left of the lease.
    const shared = gcraHeadroom(lease.grant.aheadMs - elapsed, budget, HEADROOM_SLACK_MS);
    return {
      ok: true,
      limit: burst,
      remaining: Math.min(burst, shared.remaining + lease.tokens),
      resetS: Math.ceil(shared.resetMs / 1000),
    };
  };

  return {
    async take(userId) {
      // A lease that ran dry to concurrent requests is taken again: each store call grants at
      // least one request or a refusal, so this ends; the bound only guards against a bug.
      for (let attempt = 0; attempt < MAX_REFILLS; attempt += 1) {
        const lease = leases.get(userId);
        if (lease !== undefined && clock() < lease.until) {
          if (lease.tokens > 0) {
            lease.tokens -= 1;
            return granted(lease);
          }
          if (lease.grant.granted === 0) {
            const waitedMs = clock() - lease.at;
            if (waitedMs < lease.grant.retryAfterMs) {
              return {
                ok: false,
                limit: burst,
                retryAfterS: retryAfterSeconds(lease.grant.retryAfterMs - waitedMs),
              };
            }
          }
        }
        await refill(userId);
      }
      return { ok: false, limit: burst, retryAfterS: retryAfterSeconds(budget.intervalMs) };
    },
  };
}
