import { Redis } from 'ioredis';
import type { OwnRedis } from './redis.js';

/** Asks one node something on a connection of its own. */
export async function onNode<T>(node: OwnRedis, ask: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(node.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    return await ask(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Cuts the master off its replicas for good, as a master that goes on taking writes its replicas
 * never see: their connections are killed and they may not sync again (PSYNC and SYNC denied to
 * the default user). Resolves once the master logs the loss; it dies with the process.
 */
export async function cutReplication(master: OwnRedis): Promise<void> {
  const lost = master.output.waitFor('Connection with replica', 5000);
  await onNode(master, async (redis) => {
    await redis.call('ACL', 'SETUSER', 'default', '-psync', '-sync');
    await redis.call('CLIENT', 'KILL', 'TYPE', 'replica');
  });
  await lost;
}

/**
 * Resolves once every write the master took so far is on `replicas` replicas (WAIT after a write
 * of this connection's own: a connection that wrote nothing would be told "all" at once). The
 * write goes to `probeKey`, which must be served by this master (in a Cluster: share a hash tag).
 */
export async function replicated(master: OwnRedis, probeKey: string, replicas = 1): Promise<void> {
  const acknowledged = await onNode(master, async (redis) => {
    await redis.set(probeKey, '1', 'PX', 1000);
    return Number(await redis.call('WAIT', replicas, 5000));
  });
  if (acknowledged < replicas) throw new Error(`only ${acknowledged} replicas caught up`);
}
