import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';

/** The policy's name in the RateLimit headers. */
const POLICY = '"user"';

/**
 * USER_RPS / USER_BURST per user, on every list request (cache hits included): over the limit is
 * 429 RATE_LIMITED + Retry-After, other users unaffected. Every answer carries the IETF draft
 * headers (draft-ietf-httpapi-ratelimit-headers-10/11, Structured Fields):
 *   RateLimit-Policy: "user";q=<USER_BURST>;w=<seconds to earn a full burst back>
 *   RateLimit: "user";r=<requests left now>;t=<seconds until the full burst is back>
 * On a 429, `t` is the same moment as Retry-After. A store outage propagates (503), never 401.
 */
export function limitPerUser(deps: Deps): MiddlewareHandler<AppEnv> {
  const { userBurst, userRps } = deps.config.rate;
  const policy = `${POLICY};q=${userBurst};w=${Math.max(1, Math.ceil(userBurst / userRps))}`;
  return async function limitPerUser(c, next) {
    const result = await deps.userLimiter.take(c.get('user').id);
    if (!result.ok) {
      deps.metrics.rateRejections.inc({ limit: 'user' });
      throw new ApiError('RATE_LIMITED', 'Too many requests from this user; retry later.', {
        retryAfterS: result.retryAfterS,
        details: { limit: 'user' },
        headers: {
          'RateLimit-Policy': policy,
          RateLimit: `${POLICY};r=0;t=${result.retryAfterS}`,
        },
      });
    }
    c.header('RateLimit-Policy', policy);
    c.header('RateLimit', `${POLICY};r=${result.remaining};t=${result.resetS}`);
    await next();
  };
}
