import { V7Generator } from 'uuidv7';
import type { BackgroundTasks } from '../platform/background-tasks.js';
import { createLogThrottle } from '../platform/log-throttle.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { queryAuditLog } from './query.js';
import { buildAuditRecord, type AuditRecord } from './record.js';
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
  logger: Logger;
  metrics: Metrics;
  tracker: BackgroundTasks;
  clock: () => number;
  /** Delay between delivery attempts while the spool holds records. @default 1000 */
  retryMs?: number;
}

/** A clock stepping back more than this restarts the id generator rather than stalling it. */
const ID_ROLLBACK_MS = 10_000;

/**
 * The audit trail (docs/audit.md#audit-durability): each record goes to the Redis stream (group-committed), or, when
 * Redis does not acknowledge it in time, to the fsync'd local spool, from which a background task
 * delivers it once Redis answers. record() resolves only once the record is durable in one of
 * them; when it is in neither it rejects with AuditUnavailableError and the request gets 503.
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { store, keys, logger, metrics, tracker, clock } = options;
  const ids = new V7Generator();
  const stream = createStreamWriter({ store, key: keys.auditLog(), maxRecords: options.maxRecords });
  const spool = createSpool({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes });
  const delivery = createSpoolDelivery({
    spool,
    send: (records) => stream.append(records),
    ping: () => store.ping(),
    tracker,
    logger,
    metrics,
    clock,
    ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
  });
  const mayWarn = createLogThrottle();

  async function durable(record: AuditRecord): Promise<'stream' | 'spool'> {
    try {
      await stream.write(record);
      return 'stream';
    } catch (error) {
      metrics.storeErrors.inc({ subsystem: 'audit' });
      if (mayWarn()) {
        logger.warn({ err: error }, 'audit stream unreachable: spooling records locally');
      }
    }
    try {
      await spool.write(record);
    } catch (error) {
      logger.error(
        { err: error, audit: record },
        'audit record could not be written to Redis or the spool: the request fails',
      );
      throw new AuditUnavailableError(error);
    }
    delivery.report();
    delivery.schedule();
    return 'spool';
  }

  return {
    async record(input) {
      const atMs = clock();
      const id = ids.generateOrResetCore(atMs, ID_ROLLBACK_MS).toString();
      const record = buildAuditRecord(input, { id, atMs });
      const sink = await durable(record);
      metrics.auditRecords.inc({ sink });
      logger.info({ audit: record, sink }, 'audit');
    },
    query: (filter) => queryAuditLog(store, keys.auditLog(), filter),
    async flush() {
      await stream.idle;
      await spool.idle;
      if (!(await delivery.flush())) {
        throw new Error(`audit spool not fully delivered: ${spool.depth} records wait for Redis`);
      }
    },
    async close() {
      delivery.stop();
      try {
        await stream.idle;
        await spool.idle;
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
