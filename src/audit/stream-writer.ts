import { randomBytes } from 'node:crypto';
import type { LogBatch, Store } from '../store/store.js';

/**
 * How long Redis keeps this writer's mark after its last batch (a hash of a few fields, one per
 * process: constant memory, none per record). A spool delivered later than this after its
 * process last wrote can no longer tell a batch whose write timed out yet landed: such a batch
 * may then land twice. A week covers any outage or restart the spool is meant to bridge.
 */
export const AUDIT_WRITER_TTL_MS = 7 * 24 * 3600 * 1000;

export interface StreamWriterOptions {
  store: Store;
  /** keys.auditLog() */
  key: string;
  /** AUDIT_MAX_RECORDS: the stream is trimmed to about this many entries. */
  maxRecords: number;
}

export interface StreamWriter {
  /** Numbers the next batch of this writer: each number once, whether the batch lands in the stream or the spool. */
  batch(entries: readonly string[]): LogBatch;
  /** Resolves once Redis acknowledged the batch; rejects when the store did not, or refused it. */
  append(batch: LogBatch): Promise<void>;
  /** Spool delivery: lands each batch the stream does not hold yet, once however often sent. */
  redeliver(batches: readonly LogBatch[]): Promise<{ appended: number; skipped: number; uncertain: number }>;
}

export class StreamRefusedError extends Error {
  constructor(batch: LogBatch) {
    super(`audit batch ${batch.seq} arrived after a later one of this writer: refused, to be spooled`);
    this.name = 'StreamRefusedError';
  }
}

/**
 * Writes batches of records (their JSON) to the Redis stream. The writer is one random id per
 * trail (a process) and numbers its batches: that number, not a per-record id set, is how a
 * redelivered batch is told apart from one already in the stream (store.appendLog).
 */
export function createStreamWriter(options: StreamWriterOptions): StreamWriter {
  const { store, key, maxRecords } = options;
  const writer = randomBytes(8).toString('hex');
  const logOptions = { maxLen: maxRecords, writerTtlMs: AUDIT_WRITER_TTL_MS };
  let seq = 0;
  return {
    batch(entries) {
      seq += 1;
      return { writer, seq, entries };
    },
    async append(batch) {
      if (!(await store.appendLog(key, batch, logOptions))) throw new StreamRefusedError(batch);
    },
    redeliver: (batches) => store.redeliverLog(key, batches, logOptions),
  };
}
