import type { AbortLike } from '../platform/light-abort.js';

export type SlotResult = { ok: true; waitedMs: number } | { ok: false; retryAfterS: number };

/** The vendor budget shared by every instance. */
export interface UpstreamBudget {
  /** Waits (a timer, up to RATE_MAX_WAIT_MS) for an upstream slot; an aborted wait gives `ok: false`. */
  acquire(options: { signal?: AbortLike | undefined }): Promise<SlotResult>;
  /** An upstream 429: no instance calls upstream for `seconds`. */
  pause(seconds: number): Promise<void>;
}

export type UserLimitResult =
  | { ok: true; limit: number; remaining: number; resetS: number }
  | { ok: false; limit: number; retryAfterS: number };

export interface UserLimiter {
  take(userId: string): Promise<UserLimitResult>;
}
