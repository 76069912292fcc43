import { retryAfterSeconds } from '../platform/retry-after-seconds.js';
import { sha256Hex } from '../platform/sha256-hex.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { LoginThrottle, ThrottleResult } from './identity.js';

export interface LoginThrottleOptions {
  store: Store;
  keys: Keys;
  /** Failed verifications per account (username, any case) per window: LOGIN_MAX_FAILURES. @default 100 */
  maxFailuresPerHour: number;
  /**
   * Failed verifications per client IP per window: a guesser spreading over many accounts.
   * @default 10 × maxFailuresPerHour
   */
  maxFailuresPerIp?: number;
  /** @default 3_600_000 (one hour) */
  windowMs?: number;
}

const ALLOWED: ThrottleResult = { allowed: true };

/**
 * Counts failed logins in the store, per account and per client IP, in fixed windows that start at
 * the first failure and simply expire: no permanent lock-out. A successful login resets neither
 * count: docs/api.md#password-login caps failures per account per hour, and letting a success clear the count
 * would hand a guesser a fresh budget each time the real user logs in.
 *
 * `check` is a cheap early refusal before any hashing; `recordFailure` is the real bound: each
 * failure gets its rank from one atomic increment, and a rank past the limit is answered like a
 * throttled attempt whatever the password, so parallel guesses learn no more than the limit.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { store, keys } = options;
  const windowMs = options.windowMs ?? 3_600_000;
  const accountLimit = options.maxFailuresPerHour;
  const ipLimit = options.maxFailuresPerIp ?? accountLimit * 10;

  // Hashed: a 1 KiB username must not become a 1 KiB key, nor a brace break the hash tag.
  const accountKey = (username: string) => keys.loginFailuresByAccount(sha256Hex(username.toLowerCase()));
  const ipKey = (ip: string) => keys.loginFailuresByIp(ip);

  const refused = (ttlMs: number): ThrottleResult => ({
    allowed: false,
    retryAfterS: retryAfterSeconds(ttlMs),
  });

  /** The window's remaining time, read by counting one more past the limit (the window is not extended). */
  const refuseAt = async (key: string, limit: number): Promise<ThrottleResult> => {
    const { count, ttlMs } = await store.incrWindow(key, windowMs);
    // The window ended between the two calls: this attempt may go ahead.
    return count > limit ? refused(ttlMs) : ALLOWED;
  };

  return {
    async check(username, ip) {
      const [account, perIp] = await Promise.all([store.get(accountKey(username)), store.get(ipKey(ip))]);
      if (Number(account ?? 0) >= accountLimit) return refuseAt(accountKey(username), accountLimit);
      if (Number(perIp ?? 0) >= ipLimit) return refuseAt(ipKey(ip), ipLimit);
      return ALLOWED;
    },
    async recordFailure(username, ip) {
      const [account, perIp] = await Promise.all([
        store.incrWindow(accountKey(username), windowMs),
        store.incrWindow(ipKey(ip), windowMs),
      ]);
      if (account.count > accountLimit) return refused(account.ttlMs);
      if (perIp.count > ipLimit) return refused(perIp.ttlMs);
      return ALLOWED;
    },
  };
}
