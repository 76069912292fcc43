import { Cluster, Redis } from 'ioredis';
import {
  APPEND_LOG,
  DEL_IF_EQUALS,
  INCR_WINDOW,
  PAUSE_SLOTS,
  REDELIVER_LOG,
  RESERVE_SLOT,
  SET_AND_RELEASE,
  TAKE_TOKENS,
} from './redis-scripts.js';
import { subscribeOverRedis, type RedisTarget } from './redis-subscriber.js';
import {
  StoreUnavailableError,
  type LogBatch,
  type LogEntry,
  type Store,
  type Subscription,
} from './store.js';

export interface RedisStoreOptions {
  /** `redis://…` of a single node. */
  url?: string | undefined;
  /** host:port seeds of a Redis Cluster; wins over `url`. */
  clusterNodes?: readonly string[];
  /**
   * Upper bound on one command, so a request never hangs on a dead Redis.
   * @default 800
   */
  commandTimeoutMs?: number;
  /**
   * CLIENT SETNAME of the pub/sub connection (commands share the other one).
   * @default 'sbff-subscriber'
   */
  subscriberName?: string;
  onError?: (error: Error) => void;
}

type Reply = [number | string, string];

/** The scripts, registered with defineCommand so they travel as EVALSHA. */
interface ScriptCommands {
  sbffDelIfEquals(key: string, expected: string): Promise<number>;
  sbffSetAndRelease(
    key: string,
    lockKey: string,
    value: string,
    ttlMs: number,
    token: string,
  ): Promise<number>;
  sbffIncrWindow(key: string, windowMs: number): Promise<[number, number]>;
  sbffReserveSlot(key: string, intervalMs: number, burst: number, maxWaitMs: number): Promise<Reply>;
  sbffPauseSlots(key: string, intervalMs: number, burst: number, pauseMs: number): Promise<number>;
  sbffTakeTokens(
    key: string,
    intervalMs: number,
    burst: number,
    want: number,
  ): Promise<[number, string, string]>;
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

type Client = (Redis | Cluster) & ScriptCommands;

/**
 * Settings that keep a request from waiting on a dead Redis: no offline queue (fail at once while
 * disconnected), a command timeout, one retry, and quick reconnects so traffic recovers by itself.
 */
function connectionOptions(commandTimeoutMs: number) {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
  };
}

export function createRedisClient(options: RedisStoreOptions): Redis | Cluster {
  const redisOptions = connectionOptions(options.commandTimeoutMs ?? 800);
  const nodes = options.clusterNodes ?? [];
  if (nodes.length > 0) {
    const { retryStrategy: _r, enableOfflineQueue: _q, lazyConnect: _l, ...nodeOptions } = redisOptions;
    return new Cluster(nodes.map(parseNode), {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      redisOptions: nodeOptions,
      slotsRefreshTimeout: 1000,
      clusterRetryStrategy: (times: number) => Math.min(100 * times, 1000),
    });
  }
  return new Redis(options.url ?? 'redis://127.0.0.1:6379', redisOptions);
}

function parseNode(node: string): { host: string; port: number } {
  const [host = '127.0.0.1', port = '6379'] = node.split(':');
  return { host, port: Number(port) };
}

/** Connects (without waiting for success: a store down at start-up makes /readyz say 503). */
export function createRedisStore(options: RedisStoreOptions): Store {
  const client = createRedisClient(options) as Client;
  client.defineCommand('sbffDelIfEquals', { numberOfKeys: 1, lua: DEL_IF_EQUALS });
  client.defineCommand('sbffSetAndRelease', { numberOfKeys: 2, lua: SET_AND_RELEASE });
  client.defineCommand('sbffIncrWindow', { numberOfKeys: 1, lua: INCR_WINDOW });
  client.defineCommand('sbffReserveSlot', { numberOfKeys: 1, lua: RESERVE_SLOT });
  client.defineCommand('sbffPauseSlots', { numberOfKeys: 1, lua: PAUSE_SLOTS });
  client.defineCommand('sbffTakeTokens', { numberOfKeys: 1, lua: TAKE_TOKENS });
  client.defineCommand('sbffAppendLog', { numberOfKeys: 2, lua: APPEND_LOG });
  client.defineCommand('sbffRedeliverLog', { numberOfKeys: 2, lua: REDELIVER_LOG });
  client.on('error', (error: Error) => options.onError?.(error));
  client.connect().catch((error: unknown) => options.onError?.(asError(error)));

  const subscriptions = new Set<Subscription>();
  const targets: RedisTarget[] =
    (options.clusterNodes ?? []).length > 0
      ? (options.clusterNodes ?? []).map(parseNode)
      : [options.url ?? 'redis://127.0.0.1:6379'];

  const run = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  };

  return {
    kind: 'redis',
    get: (key) => run(() => client.get(key)),
    set: (key, value, { ttlMs, onlyIfAbsent }) =>
      run(async () => {
        const ttl = Math.max(1, Math.ceil(ttlMs));
        const reply =
          onlyIfAbsent === true
            ? await client.set(key, value, 'PX', ttl, 'NX')
            : await client.set(key, value, 'PX', ttl);
        return reply === 'OK';
      }),
    del: (key) =>
      run(async () => {
        await client.del(key);
      }),
    delIfEquals: (key, expected) => run(async () => (await client.sbffDelIfEquals(key, expected)) === 1),
    setAndRelease: (key, value, { ttlMs }, lock) =>
      run(async () => {
        await client.sbffSetAndRelease(key, lock.key, value, Math.max(1, Math.ceil(ttlMs)), lock.token);
      }),
    incrWindow: (key, windowMs) =>
      run(async () => {
        const [count, ttlMs] = await client.sbffIncrWindow(key, Math.ceil(windowMs));
        return { count: Number(count), ttlMs: Number(ttlMs) };
      }),
    reserveSlot: (key, { intervalMs, burst, maxWaitMs }) =>
      run(async () => {
        const [granted, ms] = await client.sbffReserveSlot(key, intervalMs, burst, maxWaitMs);
        return Number(granted) === 1
          ? { granted: true, waitMs: Number(ms) }
          : { granted: false, retryAfterMs: Number(ms) };
      }),
    takeTokens: (key, { intervalMs, burst, want }) =>
      run(async () => {
        const [granted, aheadMs, retryAfterMs] = await client.sbffTakeTokens(key, intervalMs, burst, want);
        return { granted: Number(granted), aheadMs: Number(aheadMs), retryAfterMs: Number(retryAfterMs) };
      }),
    pauseSlots: (key, { intervalMs, burst, pauseMs }) =>
      run(async () => {
        await client.sbffPauseSlots(key, intervalMs, burst, pauseMs);
      }),
    appendLog: (key, batch, { maxLen, writerTtlMs }) =>
      run(async () => {
        const reply = await client.sbffAppendLog(
          key,
          logMarkKey(key, batch.writer),
          maxLen,
          batch.seq,
          writerTtlMs,
          ...batch.entries,
        );
        return Number(reply) === 1;
      }),
    redeliverLog: (key, batches, { maxLen, writerTtlMs }) =>
      run(async () => {
        const totals = { appended: 0, skipped: 0, uncertain: 0 };
        // One script call per run of one writer's batches: each writer's mark is its own key.
        for (const writerRun of runsByWriter(batches)) {
          const args = writerRun.flatMap((b) => [b.seq, b.entries.length, ...b.entries]);
          const first = writerRun[0];
          if (first === undefined) continue;
          const [appended, skipped, uncertain] = await client.sbffRedeliverLog(
            key,
            logMarkKey(key, first.writer),
            maxLen,
            writerTtlMs,
            ...args,
          );
          totals.appended += Number(appended);
          totals.skipped += Number(skipped);
          totals.uncertain += Number(uncertain);
        }
        return totals;
      }),
    readLog: (key, { before, count }) =>
      run(async () => {
        const rows = await client.xrevrange(
          key,
          before === undefined ? '+' : `(${before}`,
          '-',
          'COUNT',
          count,
        );
        const out: LogEntry[] = [];
        for (const [position, fields] of rows) {
          const json = fields[1];
          if (json !== undefined) out.push({ position, json });
        }
        return out;
      }),
    publish: (channel, message) =>
      run(async () => {
        await client.publish(channel, message);
      }),
    subscribe(channel, handlers) {
      const subscription = subscribeOverRedis({
        targets,
        channel,
        handlers,
        connectionName: options.subscriberName ?? 'sbff-subscriber',
        commandTimeoutMs: options.commandTimeoutMs ?? 800,
        onError: options.onError,
      });
      subscriptions.add(subscription);
      return {
        close() {
          subscriptions.delete(subscription);
          return subscription.close();
        },
      };
    },
    ping: () =>
      run(async () => {
        await client.ping();
      }),
    ready(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(value);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.once('ready', onReady);
      });
    },
    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      subscriptions.clear();
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** A writer's mark lives beside its log, in the same Cluster slot (the log key's hash tag). */
function logMarkKey(key: string, writer: string): string {
  return `${key}:w:${writer}`;
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
