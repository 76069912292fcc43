import { z } from 'zod';
import { AuditRecordSchema } from '../../audit/record.js';
import type { ErrorCode } from '../errors.js';

/**
 * The bodies the gateway sends, as zod schemas for the document only: the envelope writer builds
 * its strings by hand (envelope.ts), and the contract test holds real answers against these.
 */

const traceId = z.string().meta({ description: 'The gateway’s own trace id, also in `X-Trace-Id`.' });

/** `{success: true, data, error: null, traceId}` around `data`. */
export function okEnvelope(data: z.ZodType) {
  return z.object({ success: z.literal(true), data, error: z.null(), traceId });
}

/** `{success: false, data: null, error: {code, message, details}, traceId}` for these codes. */
export function errorEnvelope(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return z.object({
    success: z.literal(false),
    data: z.null(),
    error: z.object({
      code: z.enum(codes),
      message: z.string().meta({ description: 'For people; may change. Match on `code`.' }),
      details: z.unknown().meta({ description: 'More about this error, or null (see the code).' }),
    }),
    traceId,
  });
}

export const SessionData = z
  .object({
    user: z.object({
      id: z.string(),
      username: z.string(),
      accountGroups: z.array(z.string()).meta({ description: 'The groups this user may list, now.' }),
      roles: z.array(z.string()),
    }),
    csrfToken: z
      .string()
      .meta({ description: 'Send as `X-CSRF-Token` on state-changing calls. Keep in memory.' }),
    expiresAt: z.iso.datetime().meta({ description: 'The absolute end of the session.' }),
    method: z.enum(['password', 'oidc']).meta({ description: 'How the user signed in.' }),
  })
  .meta({ id: 'SessionData' });

export const LogoutData = z
  .object({
    loggedOut: z.literal(true),
    endSessionUrl: z.string().nullable().meta({
      description:
        'For a single sign-on session: the provider’s logout URL (with `id_token_hint`) to follow.',
    }),
  })
  .meta({ id: 'LogoutData' });

export const SessionItem = z
  .object({
    id: z.string().meta({ description: 'An opaque handle, never the cookie.' }),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    method: z.enum(['password', 'oidc']),
    current: z.boolean(),
  })
  .meta({ id: 'SessionItem' });

export const SessionList = z.object({ items: z.array(SessionItem) }).meta({ id: 'SessionList' });

export const SessionsEnded = z
  .object({ ended: z.number().int().nonnegative().meta({ description: 'How many sessions ended.' }) })
  .meta({ id: 'SessionsEnded' });

export const SignInMethods = z
  .object({
    password: z.boolean().meta({ description: 'POST /auth/login takes a username and password.' }),
    oidc: z.object({
      enabled: z.boolean(),
      loginPath: z.string().nullable().meta({
        description: 'Where “Sign in with SSO” sends the browser (add `?returnTo=/path`), or null.',
      }),
    }),
  })
  .meta({ id: 'SignInMethods' });

/** Only the fields the vendor documents; the gateway passes every item through untouched. */
export const Scan = z
  .looseObject({
    scanId: z.string().optional(),
    type: z.string().optional(),
    status: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .meta({
    id: 'Scan',
    description: 'One scan as the vendor sends it: its documented fields, and any others it adds, unchanged.',
  });

export const ScanPage = z
  .looseObject({
    items: z.array(Scan),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    hasMore: z.boolean(),
  })
  .meta({ id: 'ScanPage', description: 'The vendor’s page, as it sent it.' });

export const AuditPage = z
  .object({
    items: z.array(AuditRecordSchema.meta({ id: 'AuditRecord' })),
    nextCursor: z.string().nullable(),
    hasMore: z.boolean(),
  })
  .meta({ id: 'AuditPage' });

export const Health = z.object({ status: z.literal('ok') });

export const Readiness = z.object({ status: z.literal('ready'), store: z.boolean(), draining: z.boolean() });
