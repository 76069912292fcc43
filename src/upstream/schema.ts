import { z } from 'zod';

/**
 * The vendor's documented shapes (docs/upstream.md#vendor-api), checked loosely: fields the
 * vendor adds later pass through untouched, fields the gateway relies on must be right.
 */

// Items are only checked to be plain objects: the gateway never reads them, and a per-item object
// schema would copy every item (5x the cost of this check on a 100-item page).
const item = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'each item must be an object',
);

export const vendorPageSchema = z.looseObject({
  success: z.literal(true),
  data: z.looseObject({
    items: z.array(item),
    nextCursor: z.string().nullable(),
    hasMore: z.boolean(),
  }),
});

/** Printable ASCII, bounded: it goes to logs and the audit record. */
const vendorTraceId = z.string().regex(/^[\x21-\x7e]{1,128}$/);

/** Every field optional: an error body is read for what it offers, never trusted to be complete. */
export const vendorErrorSchema = z.looseObject({
  error: z
    .looseObject({
      message: z.string().optional().catch(undefined),
      details: z.unknown().optional(),
    })
    .nullable()
    .optional()
    .catch(undefined),
  traceId: vendorTraceId.optional().catch(undefined),
});

export type VendorError = z.infer<typeof vendorErrorSchema>;

/** The vendor's trace id from any parsed body, when it is a sane one. */
export function vendorTraceIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const parsed = vendorTraceId.safeParse((body as { traceId?: unknown }).traceId);
  return parsed.success ? parsed.data : undefined;
}
