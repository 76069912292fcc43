import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  killAll,
  REPLICA_SYNCED,
  REPLICATED_REDIS_ARGS,
  spawnRedis,
  startOwnRedis,
  type OwnRedis,
  type RedisProcess,
} from './redis.js';

/** A master, its replica and a Redis Sentinel watching them, all of the test's own; stopped by pid. */
export interface OwnSentinels {
  /** The name the sentinel knows the master by (REDIS_SENTINEL_MASTER). */
  masterName: string;
  /** host:port of the sentinel (REDIS_SENTINELS). */
  sentinels: string[];
  /** The master as started; after a failover, the replica is the master. */
  master: OwnRedis;
  replica: OwnRedis;
  sentinel: RedisProcess;
  /**
   * The port of the master after a failover away from `fromPort` (the first master by default),
   * once the sentinel announces it (+switch-master).
   */
  switched(fromPort?: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a master and a replica (synced) and one sentinel that knows both. `downAfterMs` is how
 * long the master must be silent before the sentinel fails it over (production: 5–30 s).
 */
export async function startOwnSentinels(options: { downAfterMs?: number } = {}): Promise<OwnSentinels> {
  const masterName = 'sbfftest';
  const dir = mkdtempSync(join(tmpdir(), 'sbff-sentinel-'));
  const master = await startOwnRedis(REPLICATED_REDIS_ARGS);
  const replica = await startOwnRedis([
    '--replicaof',
    '127.0.0.1',
    String(master.port),
    ...REPLICATED_REDIS_ARGS,
  ]);
  const port = await freePort();
  let sentinel: RedisProcess | undefined;
  const stop = async () => {
    await killAll(sentinel === undefined ? [] : [sentinel.child]);
    await Promise.all([master.stop(), replica.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await replica.output.waitFor(REPLICA_SYNCED, 10_000);
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
        // Also how long a failed failover waits before the next try (twice this).
        `sentinel failover-timeout ${masterName} 5000`,
        '',
      ].join('\n'),
    );
    sentinel = await spawnRedis([conf], { program: 'redis-sentinel', readyLine: '+monitor master' });
    // Only a replica the sentinel knows of can be promoted.
    await sentinel.output.waitFor(`+slave slave ${replica.address}`, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const watching = sentinel;
  return {
    masterName,
    sentinels: [`127.0.0.1:${port}`],
    master,
    replica,
    sentinel: watching,
    async switched(fromPort = master.port, timeoutMs = 15_000) {
      const line = await watching.output.waitFor(
        `+switch-master ${masterName} 127.0.0.1 ${fromPort} `,
        timeoutMs,
      );
      return Number(line.trim().split(' ').pop());
    },
    stop,
  };
}

/** Asks the sentinel something (SENTINEL FAILOVER, …) on a connection of its own. */
export async function onSentinel<T>(set: OwnSentinels, ask: (sentinel: Redis) => Promise<T>): Promise<T> {
  const [host = '127.0.0.1', port = '0'] = (set.sentinels[0] ?? '').split(':');
  const sentinel = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await sentinel.connect();
    return await ask(sentinel);
  } finally {
    sentinel.disconnect();
  }
}
