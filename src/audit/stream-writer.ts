import type { Store } from '../store/store.js';
import { createGroupCommit } from './group-commit.js';
import type { AuditRecord } from './record.js';

/**
 * How long Redis remembers a delivered record id, so a redelivery within it lands once: a spool
 * segment re-sent after a crash mid-delivery, or a write that timed out yet landed and was spooled
 * too. A day covers a restart or an outage of that length; the id set costs about 130 bytes per
 * record in it, so a week would outweigh the stream itself at a million records a day.
 */
export const AUDIT_DEDUPE_MS = 24 * 3600 * 1000;

export interface StreamWriterOptions {
  store: Store;
  /** keys.auditLog() */
  key: string;
  /** AUDIT_MAX_RECORDS: the stream is trimmed to about this many entries. */
  maxRecords: number;
  /** @default AUDIT_DEDUPE_MS (24 h) */
  dedupeMs?: number;
}

export interface StreamWriter {
  /** Resolves once Redis acknowledged the batch holding `record`; rejects as the store does. */
  write(record: AuditRecord): Promise<void>;
  /** Appends a batch as is (spool delivery): idempotent by record id. */
  append(records: readonly { id: string; json: string }[]): Promise<void>;
  readonly idle: Promise<void>;
}

/** Writes audit records to the Redis stream, group-committed: one round trip for concurrent requests. */
export function createStreamWriter(options: StreamWriterOptions): StreamWriter {
  const { store, key, maxRecords } = options;
  const dedupeMs = options.dedupeMs ?? AUDIT_DEDUPE_MS;
  const append = (records: readonly { id: string; json: string }[]) =>
    store.appendLog(key, records, { maxLen: maxRecords, dedupeMs });
  const group = createGroupCommit<AuditRecord>((records) =>
    append(records.map((r) => ({ id: r.id, json: JSON.stringify(r) }))),
  );
  return {
    write: (record) => group.submit(record),
    append,
    get idle() {
      return group.idle;
    },
  };
}
