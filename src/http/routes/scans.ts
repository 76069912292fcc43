import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { failureToApiError } from '../../upstream/outcome.js';
import type { AppEnv } from '../app-env.js';
import { okSerialised } from '../envelope.js';
import { ApiError } from '../errors.js';
import { requireSession } from '../middleware/session.js';
import { auditScans } from '../middleware/audit-scans.js';
import { limitPerUser } from '../middleware/user-limit.js';
import { validate } from '../validate.js';

export const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;

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

const paramSchema = z.object({
  accountGroupId: z.string().regex(GROUP_ID, 'must be 1-64 letters, digits, _ or -'),
});

/** GET /v1/accounts/:accountGroupId/signals/scans — the one upstream route. */
export function scansRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get(
    '/v1/accounts/:accountGroupId/signals/scans',
    requireSession(deps),
    auditScans(deps),
    validate('param', paramSchema),
    validate('query', scansQuerySchema(deps.config.maxPageLimit)),
    async (c, next) => {
      // Access before anything else: no cache read, no token, no upstream call for a group the
      // user may not see. Unknown groups get the same answer as forbidden ones.
      const { accountGroupId } = c.req.valid('param');
      if (!c.get('user').accountGroups.includes(accountGroupId)) {
        throw new ApiError('FORBIDDEN', 'You may not list scans of this account group.');
      }
      await next();
    },
    limitPerUser(deps),
    async (c) => {
      const { accountGroupId } = c.req.valid('param');
      const query = c.req.valid('query');
      const outcome = await deps.pages.get({
        query: { accountGroupId, ...query },
        bypass: /(^|,)\s*no-cache\s*(,|$)/i.test(c.req.header('cache-control') ?? ''),
        traceId: c.get('traceId'),
        signal: c.req.raw.signal,
      });
      const facts = c.get('facts');
      facts.cache = outcome.cache;
      if (outcome.upstreamMs !== undefined) facts.upstreamMs = outcome.upstreamMs;
      c.header('X-Cache', outcome.cache);
      c.header('Cache-Control', 'private, no-store');
      if (!outcome.ok) {
        if (outcome.upstreamTraceId !== undefined) facts.upstreamTraceId = outcome.upstreamTraceId;
        throw failureToApiError(outcome.failure);
      }
      facts.itemCount = outcome.page.itemCount;
      if (outcome.page.upstreamTraceId !== undefined) facts.upstreamTraceId = outcome.page.upstreamTraceId;
      return okSerialised(c, outcome.page.dataJson);
    },
  );
  return app;
}
