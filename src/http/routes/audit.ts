import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { AUDIT_EVENTS } from '../../audit/audit-trail.js';
import type { AuditTrail } from '../../audit/audit-trail.js';
import { requireRole, ROLES } from '../../auth/access.js';
import { ok } from '../envelope.js';
import type { SessionEnv } from '../request-context.js';
import { validate } from '../validate.js';

const single = (message: string) => z.string({ message: `${message} (given once)` });
const isoTime = single('must be an ISO 8601 time')
  .refine((v) => z.iso.datetime({ offset: true }).safeParse(v).success || z.iso.date().safeParse(v).success, {
    message: 'must be an ISO 8601 time like 2025-01-31T12:00:00Z or a date like 2025-01-31',
  })
  .transform((v) => new Date(v))
  .meta({ description: 'An ISO 8601 time with offset (2025-01-31T12:00:00Z) or a date (2025-01-31).' });

/** A repeated parameter arrives as an array and fails `z.string()`; unknown ones fail `strict`. */
const auditQuerySchema = z
  .object({
    actor: single('must be a string').min(1).max(1024).optional(),
    accountGroupId: single('must be a string').min(1).max(1024).optional(),
    event: z.enum(AUDIT_EVENTS, { message: `must be one of ${AUDIT_EVENTS.join(', ')}` }).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    // Opaque to clients; in fact the store position of the last entry of the previous page.
    cursor: single('must be a cursor from a previous page')
      .regex(/^\d{1,20}(-\d{1,20})?$/, 'must be a cursor from a previous page')
      .optional(),
    limit: single('must be a number')
      .regex(/^[0-9]{1,3}$/, 'must be decimal digits')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'))
      .default(50),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    path: ['to'],
    message: 'must be after from',
  });

/** GET /admin/audit — the audit trail, newest first, for role `auditor`. Not itself audited. */
export function auditRoutes(options: { session: MiddlewareHandler<SessionEnv>; audit: AuditTrail }) {
  const mayReadAudit = requireRole(ROLES.auditor, 'Reading the audit trail');
  return new Hono<SessionEnv>().get(
    '/admin/audit',
    options.session,
    async function requireAuditor(c, next) {
      mayReadAudit(c.get('user'));
      await next();
    },
    validate('query', auditQuerySchema),
    async (c) => ok(c, await options.audit.query(c.req.valid('query'))),
  );
}
