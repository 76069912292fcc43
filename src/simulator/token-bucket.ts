/** The simulator's own hard limit, like the vendor's: a token bucket over every scans call. */
export interface TokenBucket {
  /** Takes one token, or says how many whole seconds until one is there. */
  take(): { ok: true } | { ok: false; retryAfterS: number };
  reset(): void;
}

export function createTokenBucket(
  limit: { rps: number; burst: number },
  now: () => number = () => performance.now(),
): TokenBucket {
  const { rps, burst } = limit;
  if (!(rps > 0) || !Number.isFinite(rps)) throw new RangeError(`rateLimit.rps must be > 0, got ${rps}`);
  if (!Number.isInteger(burst) || burst < 1)
    throw new RangeError(`rateLimit.burst must be an integer >= 1, got ${burst}`);
  let tokens = burst;
  let last = now();

  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * rps);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      // Whole seconds, rounded up, never 0: a client that waits that long gets a token.
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / rps)) };
    },
    reset() {
      tokens = burst;
      last = now();
    },
  };
}
