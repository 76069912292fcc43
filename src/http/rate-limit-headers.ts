import type { UserLimitResult } from '../ratelimit/limit-results.js';

/** The policy's name in the RateLimit headers. */
const POLICY = '"user"';

/**
 * The IETF draft headers of the per-user limit (draft-ietf-httpapi-ratelimit-headers, Structured
 * Fields), on every scans answer:
 *   RateLimit-Policy: "user";q=<USER_BURST>;w=<seconds to earn a full burst back>
 *   RateLimit: "user";r=<requests left now>;t=<seconds until the full burst is back>
 * On a 429, `t` is the same moment as Retry-After.
 */
export function createRateLimitHeaders(options: { userRps: number; userBurst: number }) {
  const { userRps, userBurst } = options;
  const policy = `${POLICY};q=${userBurst};w=${Math.max(1, Math.ceil(userBurst / userRps))}`;
  return function rateLimitHeaders(result: UserLimitResult): Record<string, string> {
    const left = result.ok ? `r=${result.remaining};t=${result.resetS}` : `r=0;t=${result.retryAfterS}`;
    return { 'RateLimit-Policy': policy, RateLimit: `${POLICY};${left}` };
  };
}
