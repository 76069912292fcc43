import { randomBytes } from 'node:crypto';
import type { LogAppendOptions, LogBatch, LogRedeliveryResult, Store } from '../store/store.js';

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
  /** AUDIT_MIN_REPLICAS: a write counts as confirmed once this many replicas hold it. */
  minReplicas: number;
  /** AUDIT_REPLICA_TIMEOUT_MS: how long a write waits for them. */
  replicaTimeoutMs: number;
}

/** Whether AUDIT_MIN_REPLICAS replicas hold the write (always, with 0), and how many said so. */
export interface Confirmation {
  confirmed: boolean;
  replicas: number;
}

export interface StreamWriter {
  /** Numbers the next batch of this writer: each number once, whether the batch lands in the stream or the spool. */
  batch(entries: readonly string[]): LogBatch;
  /**
   * Resolves once Redis acknowledged the batch, saying whether enough replicas confirmed it; rejects
   * when the store did not acknowledge it, or refused it.
   */
  append(batch: LogBatch): Promise<Confirmation>;
  /** Spool delivery: lands each batch the stream does not hold yet, once however often sent. */
  redeliver(batches: readonly LogBatch[]): Promise<LogRedeliveryResult & Confirmation>;
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
  const { minReplicas } = options;
  const writer = randomBytes(8).toString('hex');
  const logOptions: LogAppendOptions = {
    maxLen: maxRecords,
    writerTtlMs: AUDIT_WRITER_TTL_MS,
    ...(minReplicas === 0 ? {} : { replicas: { min: minReplicas, timeoutMs: options.replicaTimeoutMs } }),
  };
  const confirmation = (replicas: number): Confirmation => ({
    confirmed: replicas >= minReplicas,
    replicas,
  });
  let seq = 0;
  return {
    batch(entries) {
      seq += 1;
      return { writer, seq, entries };
    },
    async append(batch) {
      const { landed, replicas } = await store.appendLog(key, batch, logOptions);
      if (!landed) throw new StreamRefusedError(batch);
      return confirmation(replicas);
    },
    async redeliver(batches) {
      const result = await store.redeliverLog(key, batches, logOptions);
      return { ...result, ...confirmation(result.replicas) };
    },
  };
}
