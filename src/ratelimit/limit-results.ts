import type { AbortLike } from '../platform/light-abort.js';
import type { SlotQuery, SlotReservation } from '../store/store.js';

export type SlotResult = { ok: true; waitedMs: number } | { ok: false; retryAfterS: number };

/** The vendor budget shared by every instance. */
export interface UpstreamBudget {
  /**
   * Waits (a timer, up to RATE_MAX_WAIT_MS) for an upstream slot; an aborted wait gives `ok: false`.
   * `reserved`: the slot `slotQuery` asked the store for with another operation (a fill's lock).
   */
  acquire(options: {
    signal?: AbortLike | undefined;
    reserved?: SlotReservation | undefined;
  }): Promise<SlotResult>;
  /** The store reservation `acquire` would make now; undefined while the budget is local (no store). */
  slotQuery(): SlotQuery | undefined;
  /** An upstream 429: no instance calls upstream for `seconds`. */
  pause(seconds: number): Promise<void>;
}

export type UserLimitResult =
  | { ok: true; limit: number; remaining: number; resetS: number }
  | { ok: false; limit: number; retryAfterS: number };

export interface UserLimiter {
  take(userId: string): Promise<UserLimitResult>;
}
