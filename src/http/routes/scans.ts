import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ACCOUNT_GROUP_ID, ACCOUNT_GROUP_ID_RULE } from '../../platform/account-group-id.js';
import type { ListScans } from '../../scans/list-scans.js';
import { clientLeftSignal } from '../client-left.js';
import { addHeaders, okSerialised } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { createRateLimitHeaders } from '../rate-limit-headers.js';
import type { SessionEnv } from '../request-context.js';
import { failureToApiError } from '../upstream-errors.js';
import { validate } from '../validate.js';

export const SCANS_PATH = '/v1/accounts/:accountGroupId/signals/scans';

/** A repeated parameter arrives as an array and fails `z.string()`; unknown ones fail `strict`. */
export function scansQuerySchema(maxPageLimit: number) {
  const single = (message: string) => z.string({ message: `${message} (given once)` });
  return z
    .object({
      cursor: single('must be a string')
        .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url')
        .max(1024, 'must be at most 1024 characters')
        .optional(),
      limit: single('must be a number')
        .regex(/^[0-9]+$/, 'must be decimal digits')
        .transform(Number)
        .pipe(
          z.number().int().min(1, 'must be at least 1').max(maxPageLimit, `must be at most ${maxPageLimit}`),
        )
        .optional(),
      status: single('must be a string')
        .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a lowercase status name')
        .optional(),
    })
    .strict();
}

const paramSchema = z.object({ accountGroupId: z.string().regex(ACCOUNT_GROUP_ID, ACCOUNT_GROUP_ID_RULE) });

const NO_CACHE = /(^|,)\s*no-cache\s*(,|$)/i;

export interface ScansRoutesOptions {
  /** requireSession: the user behind the cookie. */
  session: MiddlewareHandler<SessionEnv>;
  /** Records every answer of the chain after it, refusals included. */
  audit: MiddlewareHandler<SessionEnv>;
  listScans: ListScans;
  rateLimitHeaders: ReturnType<typeof createRateLimitHeaders>;
  maxPageLimit: number;
}

/**
 * GET /v1/accounts/:accountGroupId/signals/scans. The order is the point: a session first, then
 * the audit (so validation and access refusals are recorded too), then validation, then the use
 * case (access → per-user limit → cache → shared budget → vendor).
 */
export function scansRoutes(options: ScansRoutesOptions) {
  const { listScans, rateLimitHeaders } = options;
  return new Hono<SessionEnv>().get(
    SCANS_PATH,
    options.session,
    options.audit,
    validate('param', paramSchema),
    validate('query', scansQuerySchema(options.maxPageLimit)),
    async (c) => {
      const query = { ...c.req.valid('param'), ...c.req.valid('query') };
      const report = c.get('report');
      report.accountGroupId = query.accountGroupId;
      const result = await listScans({
        user: c.get('user'),
        query,
        bypass: NO_CACHE.test(c.req.header('cache-control') ?? ''),
        traceId: c.get('traceId'),
        // Built only if a fill starts: a hit has nothing to abort.
        signal: () => clientLeftSignal(c),
      });
      const limitHeaders = rateLimitHeaders(result.userLimit);
      if (result.kind === 'user_limited') {
        throw new ApiError('RATE_LIMITED', 'Too many requests from this user; retry later.', {
          retryAfterS: result.userLimit.retryAfterS,
          details: { limit: 'user' },
          headers: limitHeaders,
        });
      }
      report.cache = result.cache;
      if (result.upstreamMs !== undefined) report.upstreamMs = result.upstreamMs;
      const headers = { ...limitHeaders, 'X-Cache': result.cache, 'Cache-Control': 'private, no-store' };
      if (result.kind === 'upstream_failure') {
        if (result.upstreamTraceId !== undefined) report.upstreamTraceId = result.upstreamTraceId;
        addHeaders(c, headers);
        throw failureToApiError(result.failure);
      }
      report.itemCount = result.page.itemCount;
      if (result.page.upstreamTraceId !== undefined) report.upstreamTraceId = result.page.upstreamTraceId;
      return okSerialised(c, result.page.dataJson, headers);
    },
  );
}
