import type { Cluster, Redis } from 'ioredis';
import { logMarkKey } from './log-marks.js';
import type { LogAppendOptions, LogAppendResult, LogBatch, LogRedeliveryResult } from './store.js';

/** The log's scripts (redis-scripts.ts APPEND_LOG, REDELIVER_LOG), registered with defineCommand. */
export interface LogScripts {
  sbffAppendLog(
    stream: string,
    mark: string,
    maxLen: number,
    seq: number,
    markTtlMs: number,
    ...entries: readonly string[]
  ): Promise<number>;
  sbffRedeliverLog(
    stream: string,
    mark: string,
    maxLen: number,
    markTtlMs: number,
    ...batches: readonly (string | number)[]
  ): Promise<[number, number, number]>;
}

type LogClient = (Redis | Cluster) & LogScripts;

/** The few pipeline commands used here; ioredis adds the scripts to its pipelines untyped. */
interface LogPipeline {
  sbffAppendLog(...args: Parameters<LogScripts['sbffAppendLog']>): LogPipeline;
  sbffRedeliverLog(...args: Parameters<LogScripts['sbffRedeliverLog']>): LogPipeline;
  wait(replicas: number, timeoutMs: number): LogPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export interface RedisLogWrites {
  append(key: string, batch: LogBatch, options: LogAppendOptions): Promise<LogAppendResult>;
  redeliver(
    key: string,
    batches: readonly LogBatch[],
    options: LogAppendOptions,
  ): Promise<LogRedeliveryResult>;
}

/**
 * The log's writes. One asked to be confirmed by replicas is sent with `WAIT n timeout` right
 * behind it, in one pipeline on `confirming`: WAIT counts the replicas holding everything its
 * own connection wrote, so it has to follow the write on that very connection (in a Cluster, the
 * pipeline goes to the node of the write's slot; WAIT has no key of its own). WAIT also blocks
 * its connection until it answers, hence a connection of its own, not the shared one.
 *
 * `confirming` must not resend commands after a reconnect: a WAIT resent alone on a new
 * connection, which has written nothing, would confirm at once a write it never saw.
 */
export function createRedisLogWrites(client: LogClient, confirming: LogClient | undefined): RedisLogWrites {
  const confirmingClient = (options: LogAppendOptions): LogClient | undefined => {
    if (options.replicas === undefined || options.replicas.min === 0) return undefined;
    if (confirming === undefined) {
      throw new Error('log writes confirmed by replicas need the store option logWaitMaxMs');
    }
    return confirming;
  };

  return {
    async append(key, batch, options) {
      const args = [
        key,
        logMarkKey(key, batch.writer),
        options.maxLen,
        batch.seq,
        options.writerTtlMs,
        ...batch.entries,
      ] as const;
      const via = confirmingClient(options);
      if (via === undefined || options.replicas === undefined) {
        return { landed: Number(await client.sbffAppendLog(...args)) === 1, replicas: 0 };
      }
      const pipeline = (via.pipeline() as unknown as LogPipeline).sbffAppendLog(...args);
      const {
        replies: [landed],
        replicas,
      } = await execThenWait(pipeline, options.replicas);
      return { landed: Number(landed) === 1, replicas };
    },

    async redeliver(key, batches, options) {
      const totals = { appended: 0, skipped: 0, uncertain: 0, replicas: 0 };
      if (batches.length === 0) return totals;
      const via = confirmingClient(options);
      const pipeline = (via ?? client).pipeline() as unknown as LogPipeline;
      // One script call per run of one writer's batches: each writer's mark is its own key.
      for (const writerRun of runsByWriter(batches)) {
        const first = writerRun[0];
        if (first === undefined) continue;
        const args = writerRun.flatMap((b) => [b.seq, b.entries.length, ...b.entries]);
        pipeline.sbffRedeliverLog(
          key,
          logMarkKey(key, first.writer),
          options.maxLen,
          options.writerTtlMs,
          ...args,
        );
      }
      const add = (reply: unknown) => {
        const [appended, skipped, uncertain] = reply as [number, number, number];
        totals.appended += Number(appended);
        totals.skipped += Number(skipped);
        totals.uncertain += Number(uncertain);
      };
      if (via === undefined || options.replicas === undefined) {
        for (const reply of await replies(pipeline)) add(reply);
        return totals;
      }
      const confirmed = await execThenWait(pipeline, options.replicas);
      for (const reply of confirmed.replies) add(reply);
      totals.replicas = confirmed.replicas;
      return totals;
    },
  };
}

/** Adds WAIT and runs the pipeline: the writes' replies, and how many replicas confirmed them. */
async function execThenWait(
  pipeline: LogPipeline,
  wanted: { min: number; timeoutMs: number },
): Promise<{ replies: unknown[]; replicas: number }> {
  // A WAIT timeout of 0 would block for ever.
  const all = await replies(pipeline.wait(wanted.min, Math.max(1, Math.ceil(wanted.timeoutMs))));
  return { replies: all.slice(0, -1), replicas: Number(all[all.length - 1]) };
}

/** Every reply, or the first error: a write whose WAIT failed counts as unconfirmed. */
async function replies(pipeline: LogPipeline): Promise<unknown[]> {
  const results = await pipeline.exec();
  if (results === null) throw new Error('the log pipeline was discarded');
  return results.map(([error, reply]) => {
    if (error !== null) throw error;
    return reply;
  });
}

function runsByWriter(batches: readonly LogBatch[]): LogBatch[][] {
  const runs: LogBatch[][] = [];
  let current: LogBatch[] = [];
  for (const batch of batches) {
    if (current[0] !== undefined && current[0].writer !== batch.writer) {
      runs.push(current);
      current = [];
    }
    current.push(batch);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
