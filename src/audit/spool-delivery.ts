import type { BackgroundTasks } from '../platform/background-tasks.js';
import { createLogThrottle } from '../platform/log-throttle.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { LogBatch } from '../store/store.js';
import type { Spool } from './spool.js';
import type { StreamWriter } from './stream-writer.js';

type PassResult = 'empty' | 'more' | 'failed';

export interface SpoolDeliveryOptions {
  spool: Spool;
  /**
   * Lands each batch in the stream once, however often it is sent; `confirmed` when enough
   * replicas hold them (AUDIT_MIN_REPLICAS), else they stay in the spool to be sent again.
   */
  send: StreamWriter['redeliver'];
  /** A cheap reachability check, so a dead Redis does not make the spool rotate every retry. */
  ping: () => Promise<void>;
  tracker: BackgroundTasks;
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
  /** @default 1000 */
  retryMs?: number;
  /** Records per round trip (whole batches: a batch is never split). @default 500 */
  chunk?: number;
}

export interface SpoolDelivery {
  /** Arms the retry timer (unref'd) unless it is armed or delivery is stopped. */
  schedule(): void;
  /** Delivers everything deliverable now; resolves true when the spool is empty. */
  flush(): Promise<boolean>;
  /** Refreshes the spool gauges. */
  report(): void;
  stop(): void;
}

/**
 * Moves spooled records into the stream once it answers again: segment by segment, oldest first;
 * a segment is deleted only after every one of its records is acknowledged. A failure leaves the
 * segment whole for the next try; batches already in the stream (sent before, or landed by the
 * live write that then timed out) are skipped by the stream, which knows each writer's batches.
 * A segment is deleted only once the replicas AUDIT_MIN_REPLICAS asks for confirmed it, too.
 */
export function createSpoolDelivery(options: SpoolDeliveryOptions): SpoolDelivery {
  const { spool, send, ping, tracker, logger, metrics, clock } = options;
  const retryMs = options.retryMs ?? 1000;
  const chunk = options.chunk ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<PassResult> = Promise.resolve('empty');
  const mayWarnUnconfirmed = createLogThrottle();

  function report(): void {
    metrics.auditSpoolDepth.set(spool.depth);
    const oldest = spool.oldestAtMs;
    metrics.auditDeliveryLag.set(oldest === undefined ? 0 : Math.max(0, (clock() - oldest) / 1000));
  }

  /** One pass: `empty`, `more` (records spooled meanwhile) or `failed` (the stream did not answer). */
  async function pass(): Promise<PassResult> {
    let closed = await spool.closedSegments({ closeActive: false });
    if (closed.length === 0 && spool.depth > 0) {
      try {
        await ping();
      } catch {
        return 'failed';
      }
      closed = await spool.closedSegments({ closeActive: true });
    }
    const sent = { delivered: 0, alreadyInStream: 0, uncertain: 0 };
    let unconfirmed = false;
    try {
      segments: for (const segment of closed) {
        const { batches, skipped } = await spool.read(segment);
        if (skipped > 0) {
          logger.warn(
            { segment: segment.name, skipped },
            'audit spool: unreadable lines skipped (torn write)',
          );
        }
        for (const part of chunks(batches, chunk)) {
          const result = await send(part);
          sent.delivered += result.appended;
          sent.alreadyInStream += result.skipped;
          sent.uncertain += result.uncertain;
          // The rest would be as unconfirmed: try again on the next pass, from this segment.
          if (!result.confirmed) {
            unconfirmed = true;
            break segments;
          }
        }
        await spool.remove(segment);
        report();
      }
    } catch (error) {
      metrics.storeErrors.inc({ subsystem: 'audit' });
      logger.warn({ err: error, ...sent, left: spool.depth }, 'audit spool delivery interrupted');
      return 'failed';
    } finally {
      if (sent.uncertain > 0) {
        logger.warn(
          { uncertain: sent.uncertain },
          'audit spool: records delivered whose writer Redis no longer remembers: they may be in the stream twice',
        );
      }
      if (unconfirmed) {
        if (mayWarnUnconfirmed()) {
          logger.warn(
            { ...sent, left: spool.depth },
            'audit spool kept: Redis took the records, but fewer replicas than AUDIT_MIN_REPLICAS confirmed them',
          );
        }
      } else if (sent.delivered + sent.alreadyInStream > 0) {
        logger.info({ ...sent, left: spool.depth }, 'audit spool delivered');
      }
    }
    if (unconfirmed) return 'failed';
    return spool.depth === 0 ? 'empty' : 'more';
  }

  /** Passes never overlap: a flush waits for the one in flight, then makes its own. */
  function exclusivePass(): Promise<PassResult> {
    const next = running.then(pass, pass).finally(report);
    running = next.catch(() => 'failed' as const);
    return next;
  }

  function schedule(): void {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      tracker.run('audit spool delivery', async () => {
        if ((await exclusivePass()) !== 'empty') schedule();
      });
    }, retryMs);
    timer.unref();
  }

  return {
    schedule,
    report,
    async flush() {
      // A few passes: records spooled while one pass ran are picked up by the next.
      for (let i = 0; i < 5; i += 1) {
        const result = await exclusivePass();
        if (result === 'empty') return true;
        if (result === 'failed') break;
      }
      schedule();
      return false;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Consecutive whole batches of about `size` records each. */
function* chunks(batches: readonly LogBatch[], size: number): Generator<LogBatch[]> {
  let part: LogBatch[] = [];
  let records = 0;
  for (const batch of batches) {
    part.push(batch);
    records += batch.entries.length;
    if (records >= size) {
      yield part;
      part = [];
      records = 0;
    }
  }
  if (part.length > 0) yield part;
}
