import { Cluster, Redis } from 'ioredis';
import {
  ADD_TO_SET,
  APPEND_LOG,
  DEL_IF_EQUALS,
  INCR_WINDOW,
  PAUSE_SLOTS,
  REDELIVER_LOG,
  LOCK_AND_RESERVE,
  RESERVE_SLOT,
  SET_AND_RELEASE,
  SET_MEMBERS,
  TAKE_TOKENS,
} from './redis-scripts.js';
import { quit } from './redis-quit.js';
import { createRedisLogWrites, type LogScripts } from './redis-log.js';
import { subscribeOverRedis, type RedisTarget } from './redis-subscriber.js';
import { followSentinelSwitches } from './sentinel-switch.js';
import {
  StoreUnavailableError,
  type LogEntry,
  type SlotQuery,
  type SlotReservation,
  type Store,
  type Subscription,
} from './store.js';

export interface RedisStoreOptions {
  /** `redis://…` of a single node. */
  url?: string | undefined;
  /** host:port seeds of a Redis Cluster; wins over `url`. */
  clusterNodes?: readonly string[];
  /**
   * host:port of Redis Sentinels watching `sentinelMaster`: the master is asked of them, and
   * followed through a failover. Wins over `url`.
   */
  sentinels?: readonly string[];
  sentinelMaster?: string | undefined;
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
  /**
   * The longest WAIT a log write may ask for (LogAppendOptions.replicas). When set, log writes
   * that wait for replicas go over a connection of their own, whose commands get this much more
   * time. @default unset: log writes cannot ask for replicas
   */
  logWaitMaxMs?: number;
  onError?: (error: Error) => void;
}

type Reply = [number | string, string];

/** A reservation script's {granted, ms}: the wait when granted, else when to retry. */
const slotReservation = (granted: number | string, ms: string): SlotReservation =>
  Number(granted) === 1
    ? { granted: true, waitMs: Number(ms) }
    : { granted: false, retryAfterMs: Number(ms) };

/** The scripts (and LogScripts), registered with defineCommand so they travel as EVALSHA. */
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
  sbffAddToSet(key: string, member: string, ttlMs: number): Promise<number>;
  sbffSetMembers(key: string): Promise<string[]>;
  sbffReserveSlot(
    key: string,
    intervalMs: number,
    burst: number,
    maxWaitMs: number,
    jitterMs: number,
  ): Promise<Reply>;
  sbffLockAndReserve(
    lockKey: string,
    budgetKey: string,
    token: string,
    ttlMs: number,
    intervalMs: number,
    burst: number,
    maxWaitMs: number,
    jitterMs: number,
  ): Promise<[number] | [number, number | string, string]>;
  sbffPauseSlots(key: string, intervalMs: number, burst: number, pauseMs: number): Promise<number>;
  sbffTakeTokens(
    key: string,
    intervalMs: number,
    burst: number,
    want: number,
  ): Promise<[number, string, string]>;
}

type Client = (Redis | Cluster) & ScriptCommands & LogScripts;

/**
 * Settings that keep a request from waiting on a dead Redis: no offline queue (fail at once while
 * disconnected), a command timeout, one retry, and quick reconnects so traffic recovers by itself.
 * No auto-pipelining on a single node or Sentinel: it wraps each turn's commands in a Pipeline,
 * and switched off, with the hot path's few commands a turn (the audit batch, a lease, a lock), a
 * cache hit cost 93 µs of CPU instead of 112 and its p99 fell from 12 to 9 ms (README,
 * Benchmarks). The commands of one turn still leave in one write: the store corks the socket for
 * the turn (writesOfOneTurn). A Cluster keeps auto-pipelining (createRedisClient).
 */
function connectionOptions(commandTimeoutMs: number, resendInFlight: boolean) {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
    autoResendUnfulfilledCommands: resendInFlight,
  };
}

/** How one connection (or Cluster connection pool) differs from the shared one. */
interface ClientTuning {
  commandTimeoutMs?: number;
  /** Send again, after a reconnect, the commands that had no answer yet (ioredis's default). */
  resendInFlight?: boolean;
  /** Re-read a Cluster's slot map this often, ms, besides when a node redirects a command. */
  slotsRefreshMs?: number;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const DEFAULT_COMMAND_TIMEOUT_MS = 800;

/** The one Redis the options name, decided once for every connection: Cluster, Sentinel, else a node. */
type Target =
  | { kind: 'cluster'; nodes: { host: string; port: number }[] }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string }
  | { kind: 'node'; url: string };

function targetOf(options: RedisStoreOptions): Target {
  const nodes = options.clusterNodes ?? [];
  if (nodes.length > 0) return { kind: 'cluster', nodes: nodes.map(parseNode) };
  const sentinels = options.sentinels ?? [];
  if (sentinels.length > 0)
    return { kind: 'sentinel', sentinels: sentinels.map(parseNode), name: options.sentinelMaster ?? '' };
  return { kind: 'node', url: options.url ?? DEFAULT_URL };
}

function createRedisClient(
  target: Target,
  commandTimeoutMs: number,
  tuning: ClientTuning = {},
): Redis | Cluster {
  const redisOptions = connectionOptions(
    tuning.commandTimeoutMs ?? commandTimeoutMs,
    tuning.resendInFlight ?? true,
  );
  if (target.kind === 'cluster') {
    const { retryStrategy: _r, enableOfflineQueue: _q, lazyConnect: _l, ...nodeOptions } = redisOptions;
    return new Cluster(target.nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      // ioredis connects to each node on its first command; without the offline queue, a command
      // sent outside a pipeline fails while that connection opens (after start-up, a failover),
      // and the request would get 503 (test/ops/cluster.test.ts).
      enableAutoPipelining: true,
      redisOptions: nodeOptions,
      slotsRefreshTimeout: 1000,
      ...(tuning.slotsRefreshMs === undefined ? {} : { slotsRefreshInterval: tuning.slotsRefreshMs }),
      // While a master is failed over, a command to its slots fails at once (as on a single node)
      // instead of being retried every 100 ms for up to 16 tries, past any command timeout.
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      clusterRetryStrategy: (times: number) => Math.min(100 * times, 1000),
    });
  }
  if (target.kind === 'sentinel') {
    return new Redis({
      ...redisOptions,
      sentinels: target.sentinels,
      name: target.name,
      sentinelRetryStrategy: (times: number) => Math.min(50 * times, 500),
      // A master demoted under a live connection refuses writes: ask the sentinels again.
      // (followSentinelSwitches reconnects at the switch itself.)
      reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
    });
  }
  return new Redis(target.url, redisOptions);
}

function parseNode(node: string): { host: string; port: number } {
  const [host = '127.0.0.1', port = '6379'] = node.split(':');
  return { host, port: Number(port) };
}

function connectWithScripts(client: Client, onError: RedisStoreOptions['onError']): Client {
  client.defineCommand('sbffDelIfEquals', { numberOfKeys: 1, lua: DEL_IF_EQUALS });
  client.defineCommand('sbffSetAndRelease', { numberOfKeys: 2, lua: SET_AND_RELEASE });
  client.defineCommand('sbffIncrWindow', { numberOfKeys: 1, lua: INCR_WINDOW });
  client.defineCommand('sbffAddToSet', { numberOfKeys: 1, lua: ADD_TO_SET });
  client.defineCommand('sbffSetMembers', { numberOfKeys: 1, lua: SET_MEMBERS });
  client.defineCommand('sbffReserveSlot', { numberOfKeys: 1, lua: RESERVE_SLOT });
  client.defineCommand('sbffLockAndReserve', { numberOfKeys: 2, lua: LOCK_AND_RESERVE });
  client.defineCommand('sbffPauseSlots', { numberOfKeys: 1, lua: PAUSE_SLOTS });
  client.defineCommand('sbffTakeTokens', { numberOfKeys: 1, lua: TAKE_TOKENS });
  client.defineCommand('sbffAppendLog', { numberOfKeys: 2, lua: APPEND_LOG });
  client.defineCommand('sbffRedeliverLog', { numberOfKeys: 2, lua: REDELIVER_LOG });
  client.on('error', (error: Error) => onError?.(error));
  client.connect().catch((error: unknown) => onError?.(asError(error)));
  return client;
}

/** Redis expiries are whole ms, at least 1 (PX 0 is an error). */
const px = (ms: number): number => Math.max(1, Math.ceil(ms));

function unavailable(error: unknown): never {
  throw new StoreUnavailableError(error);
}

/** Connects (without waiting for success: a store down at start-up makes /readyz say 503). */
export function createRedisStore(options: RedisStoreOptions): Store {
  const target = targetOf(options);
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const client = connectWithScripts(createRedisClient(target, commandTimeoutMs) as Client, options.onError);
  // A log connection's slot map is refreshed on a timer too: a WAIT answered by a wrong node
  // keeps its pipeline from following the redirection of the write.
  const confirming =
    options.logWaitMaxMs === undefined
      ? undefined
      : connectWithScripts(
          createRedisClient(target, commandTimeoutMs, {
            commandTimeoutMs: commandTimeoutMs + options.logWaitMaxMs,
            resendInFlight: false,
            slotsRefreshMs: 1000,
          }) as Client,
          options.onError,
        );
  const log = createRedisLogWrites(client, confirming);
  const clients = confirming === undefined ? [client] : [client, confirming];

  const subscriptions = new Set<Subscription>();
  if (target.kind === 'sentinel') {
    subscriptions.add(
      followSentinelSwitches({
        sentinels: target.sentinels,
        masterName: target.name,
        clients: clients.filter((c): c is Client & Redis => c instanceof Redis),
        commandTimeoutMs,
        onError: options.onError,
      }),
    );
  }
  const targets = subscriberTargets(target);

  const setValue = async (key: string, value: string, ttlMs: number, onlyIfAbsent: boolean) => {
    const reply = onlyIfAbsent
      ? await client.set(key, value, 'PX', px(ttlMs), 'NX')
      : await client.set(key, value, 'PX', px(ttlMs));
    return reply === 'OK';
  };

  const reserveSlot = async (key: string, budget: SlotQuery['budget']): Promise<SlotReservation> => {
    const { intervalMs, burst, maxWaitMs, jitterMs = 0 } = budget;
    const [granted, ms] = await client.sbffReserveSlot(key, intervalMs, burst, maxWaitMs, jitterMs);
    return slotReservation(granted, ms);
  };

  const corkTheTurn = client instanceof Redis ? writesOfOneTurn(client) : () => {};
  // No async frame of its own: every command of the hot path goes through here.
  const run = <T>(op: () => Promise<T>): Promise<T> => {
    corkTheTurn();
    try {
      return op().catch(unavailable);
    } catch (error) {
      return Promise.reject(new StoreUnavailableError(error));
    }
  };

  return {
    kind: 'redis',
    get: (key) => run(() => client.get(key)),
    set: (key, value, { ttlMs, onlyIfAbsent }) =>
      run(() => setValue(key, value, ttlMs, onlyIfAbsent === true)),
    del: (key) =>
      run(async () => {
        await client.del(key);
      }),
    take: (key) => run(() => client.getdel(key)),
    addToSet: (key, member, { ttlMs }) =>
      run(async () => {
        await client.sbffAddToSet(key, member, px(ttlMs));
      }),
    setMembers: (key) => run(() => client.sbffSetMembers(key)),
    removeFromSet: (key, members) =>
      run(async () => {
        if (members.length > 0) await client.zrem(key, ...members);
      }),
    delIfEquals: (key, expected) => run(async () => (await client.sbffDelIfEquals(key, expected)) === 1),
    setAndRelease: (key, value, { ttlMs }, lock) =>
      run(async () => {
        await client.sbffSetAndRelease(key, lock.key, value, px(ttlMs), lock.token);
      }),
    incrWindow: (key, windowMs) =>
      run(async () => {
        const [count, ttlMs] = await client.sbffIncrWindow(key, Math.ceil(windowMs));
        return { count: Number(count), ttlMs: Number(ttlMs) };
      }),
    reserveSlot: (key, budget) => run(() => reserveSlot(key, budget)),
    lockAndReserve: (lock, slot) =>
      run(async () => {
        if (client instanceof Cluster) {
          if (!(await setValue(lock.key, lock.token, lock.ttlMs, true))) return { locked: false };
          // The lock is ours whatever the budget's node says: a fill must still release it.
          const reserved = await reserveSlot(slot.key, slot.budget).catch(() => undefined);
          return { locked: true, slot: reserved };
        }
        const { intervalMs, burst, maxWaitMs, jitterMs = 0 } = slot.budget;
        const reply = await client.sbffLockAndReserve(
          lock.key,
          slot.key,
          lock.token,
          px(lock.ttlMs),
          intervalMs,
          burst,
          maxWaitMs,
          jitterMs,
        );
        return reply.length === 3
          ? { locked: true, slot: slotReservation(reply[1], reply[2]) }
          : { locked: false };
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
    appendLog: (key, batch, options) => run(() => log.append(key, batch, options)),
    redeliverLog: (key, batches, options) => run(() => log.redeliver(key, batches, options)),
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
        commandTimeoutMs,
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
        if (!(client instanceof Cluster)) {
          await client.ping();
          return;
        }
        // Any node answers PING while a dead master's slots go unserved: ask for the state.
        const info = String(await client.call('CLUSTER', 'INFO'));
        if (!info.includes('cluster_state:ok'))
          throw new Error('the Redis Cluster is down (cluster_state:fail)');
      }),
    async ready(timeoutMs) {
      const ready = await Promise.all(clients.map((c) => readyWithin(c, timeoutMs)));
      return ready.every(Boolean);
    },
    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      subscriptions.clear();
      await Promise.all(clients.map(quit));
    },
  };
}

/**
 * Holds the connection's writes until this turn of the event loop has run its I/O callbacks, so
 * the commands of concurrent requests leave in one write (and Redis reads them in one). Each
 * write is a system call that wakes Redis: under the MISS load (lock, budget, page write, audit
 * batch per request) this took 60 µs of gateway CPU and 35 µs of Redis CPU off each request, and
 * a hit, with its few commands, measured the same (README, Benchmarks). It is what auto-pipelining
 * does without its Pipeline objects and their bookkeeping.
 */
function writesOfOneTurn(client: Redis): () => void {
  let corked: Redis['stream'] | undefined;
  const release = () => {
    const stream = corked;
    corked = undefined;
    stream?.uncork();
  };
  return () => {
    if (corked !== undefined || client.status !== 'ready') return;
    corked = client.stream;
    corked.cork();
    setImmediate(release);
  };
}

function readyWithin(client: Redis | Cluster, timeoutMs: number): Promise<boolean> {
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
}

/** Where the subscriber connects: the sentinels (it finds the master), the Cluster seeds, or the node. */
function subscriberTargets(target: Target): RedisTarget[] {
  if (target.kind === 'sentinel') return [{ sentinels: target.sentinels, name: target.name }];
  return target.kind === 'cluster' ? target.nodes : [target.url];
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
