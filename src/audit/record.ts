import { z } from 'zod';
import { cleanOptional, cleanText, MAX_FIELD_CHARS } from './clean-text.js';
import { AUDIT_EVENTS, type AuditInput } from './audit-trail.js';

const text = z.string().max(MAX_FIELD_CHARS);
const optionalText = text.nullable();

/**
 * One audit record as stored in the stream, the spool and the log (docs/audit.md#audit-record). It holds no
 * password, session id, cookie or API key: AuditInput has no field that could carry one.
 */
export const AuditRecordSchema = z.object({
  /** UUIDv7: unique, and sorts by creation time. */
  id: z.uuid(),
  /** ISO 8601 UTC with milliseconds. */
  at: z.iso.datetime({ precision: 3 }),
  traceId: text,
  event: z.enum(AUDIT_EVENTS),
  // Defaults: records written before these fields existed still read back.
  method: optionalText.default(null),
  reason: optionalText.default(null),
  actor: z.object({ userId: optionalText, username: optionalText }),
  subject: z.object({ userId: optionalText, username: optionalText }).nullable().default(null),
  accountGroupId: optionalText,
  query: z.object({ cursor: optionalText, status: optionalText, limit: optionalText }).nullable(),
  outcome: z.object({
    status: z.number().int(),
    code: optionalText,
    cache: optionalText,
    itemCount: z.number().int().nonnegative().nullable(),
    upstreamTraceId: optionalText,
  }),
  client: z.object({ ip: text, userAgent: optionalText }),
  durationMs: z.number().int().nonnegative(),
});

export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** The record for `input`: every string escaped and capped, every number made whole. */
export function buildAuditRecord(input: AuditInput, stamp: { id: string; atMs: number }): AuditRecord {
  const { actor, query, outcome, client } = input;
  const subject = input.subject ?? null;
  return {
    id: stamp.id,
    at: new Date(stamp.atMs).toISOString(),
    traceId: cleanText(input.traceId),
    event: input.event,
    method: cleanOptional(input.method ?? null),
    reason: cleanOptional(input.reason ?? null),
    actor: { userId: cleanOptional(actor.userId), username: cleanOptional(actor.username) },
    subject:
      subject === null
        ? null
        : { userId: cleanOptional(subject.userId), username: cleanOptional(subject.username) },
    accountGroupId: cleanOptional(input.accountGroupId),
    query:
      query === null
        ? null
        : {
            cursor: cleanOptional(query.cursor),
            status: cleanOptional(query.status),
            limit: cleanOptional(query.limit),
          },
    outcome: {
      status: Math.trunc(outcome.status),
      code: cleanOptional(outcome.code),
      cache: cleanOptional(outcome.cache),
      itemCount:
        outcome.itemCount === null || !Number.isFinite(outcome.itemCount)
          ? null
          : Math.max(0, Math.trunc(outcome.itemCount)),
      upstreamTraceId: cleanOptional(outcome.upstreamTraceId),
    },
    client: { ip: cleanText(client.ip), userAgent: cleanOptional(client.userAgent) },
    durationMs: Number.isFinite(input.durationMs) ? Math.max(0, Math.round(input.durationMs)) : 0,
  };
}

/** A stored record back from JSON, or undefined when it is not one (never trusted blindly). */
export function parseAuditRecord(json: string): AuditRecord | undefined {
  try {
    const result = AuditRecordSchema.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
