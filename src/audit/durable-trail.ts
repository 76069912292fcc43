import type { BackgroundTasks } from '../platform/background-tasks.js';
import { createLogThrottle } from '../platform/log-throttle.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { createGroupCommit } from './group-commit.js';
import { queryAuditLog } from './query.js';
import { createRecordIds } from './record-id.js';
import { auditRecordJson } from './record-json.js';
import { createSpoolDelivery } from './spool-delivery.js';
import { createSpool } from './spool.js';
import { createStreamWriter } from './stream-writer.js';
import { AuditUnavailableError, type AuditTrail } from './audit-trail.js';

export interface AuditTrailOptions {
  store: Store;
  keys: Keys;
  /** AUDIT_SPOOL_DIR */
  spoolDir: string;
  /** AUDIT_SPOOL_MAX_BYTES */
  spoolMaxBytes: number;
  /** AUDIT_MAX_RECORDS */
  maxRecords: number;
  /** AUDIT_MIN_REPLICAS @default 0 */
  minReplicas?: number;
  /** AUDIT_REPLICA_TIMEOUT_MS @default 200 */
  replicaTimeoutMs?: number;
  logger: Logger;
  metrics: Metrics;
  tracker: BackgroundTasks;
  clock: () => number;
  /** Delay between delivery attempts while the spool holds records. @default 1000 */
  retryMs?: number;
}

/** A clock stepping back more than this restarts the id sequence rather than stalling it. */
const ID_ROLLBACK_MS = 10_000;

/**
 * The audit trail (docs/audit.md#audit-durability): each record goes to the Redis stream, or,
 * when Redis does not acknowledge it in time, to the fsync'd local spool, from which a background
 * task delivers it once Redis answers. Records of concurrent requests are group-committed: one
 * batch, one round trip (or one fsync). record() resolves only once the record is durable in one
 * of them, with the record's JSON (for the request's log line); when it is in neither it rejects
 * with AuditUnavailableError and the request gets 503. On the way nothing is logged but trouble.
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { store, keys, logger, metrics, tracker, clock } = options;
  const nextId = createRecordIds({ rollbackMs: ID_ROLLBACK_MS });
  const minReplicas = options.minReplicas ?? 0;
  const replicaTimeoutMs = options.replicaTimeoutMs ?? 200;
  const stream = createStreamWriter({
    store,
    key: keys.auditLog(),
    maxRecords: options.maxRecords,
    minReplicas,
    replicaTimeoutMs,
  });
  const spool = createSpool({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes });
  const delivery = createSpoolDelivery({
    spool,
    send: (batches) => stream.redeliver(batches),
    ping: () => store.ping(),
    tracker,
    logger,
    metrics,
    clock,
    ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
  });
  const mayWarn = createLogThrottle();
  const mayWarnUnconfirmed = createLogThrottle();
  // Counted once per batch, by the records in it.
  const recorded = {
    stream: metrics.auditRecords.labels({ sink: 'stream' }),
    spool: metrics.auditRecords.labels({ sink: 'spool' }),
  };

  /**
   * One batch: the stream (confirmed by AUDIT_MIN_REPLICAS replicas), else the spool too (under
   * the same batch number), else an error.
   */
  async function durable(entries: string[]): Promise<void> {
    const batch = stream.batch(entries);
    try {
      const { confirmed, replicas } = await stream.append(batch);
      if (confirmed) {
        recorded.stream.inc(entries.length);
        return;
      }
      // In the master's stream, yet a failover now could lose it: spooled too, delivery lands it once.
      metrics.auditUnconfirmed.inc();
      if (mayWarnUnconfirmed()) {
        logger.warn(
          { replicas, minReplicas, timeoutMs: replicaTimeoutMs },
          'audit write not confirmed by AUDIT_MIN_REPLICAS replicas in time: spooled as well',
        );
      }
    } catch (error) {
      metrics.storeErrors.inc({ subsystem: 'audit' });
      if (mayWarn()) {
        logger.warn({ err: error }, 'audit stream unreachable: spooling records locally');
      }
    }
    try {
      await spool.append(batch);
    } catch (error) {
      // The records' last trace: their requests fail, and the request line has no record to carry.
      for (const entry of entries) {
        logger.error(
          { err: error, audit: JSON.parse(entry) as unknown },
          'audit record could not be written to Redis or the spool: the request fails',
        );
      }
      throw new AuditUnavailableError(error);
    }
    recorded.spool.inc(entries.length);
    delivery.report();
    delivery.schedule();
  }
  // Two commits at once: a record arriving during a commit need not wait for it to end. A miss,
  // which also waits on the vendor and two other round trips, served 2–10 % more req/s than with
  // one (5 of 6 alternating pairs), a hit the same within the noise; three measured no better.
  const commit = createGroupCommit(durable, { maxInFlight: 2 });

  return {
    async record(input) {
      const atMs = clock();
      const json = auditRecordJson(input, { id: nextId(atMs), atMs });
      await commit.submit(json);
      return json;
    },
    query: (filter) => queryAuditLog(store, keys.auditLog(), filter),
    async flush() {
      await commit.idle;
      if (!(await delivery.flush())) {
        throw new Error(`audit spool not fully delivered: ${spool.depth} records wait for Redis`);
      }
    },
    async close() {
      delivery.stop();
      try {
        await commit.idle;
        await delivery.flush();
      } catch (error) {
        logger.warn({ err: error }, 'audit spool delivery at shutdown failed');
      }
      if (spool.depth > 0) {
        logger.warn({ records: spool.depth }, 'audit spool kept on disk: the next start delivers it');
      }
      await spool.close().catch((error: unknown) => logger.warn({ err: error }, 'audit spool close failed'));
    },
  };
}
