import type { Config } from '../config.js';
import type { RedisStoreOptions } from './redis.js';

/**
 * The Redis store options for the configuration: the one Redis target named (REDIS_URL,
 * REDIS_SENTINELS or REDIS_CLUSTER_NODES), and, when audit writes must wait for replicas, the
 * connection that lets them.
 */
export function redisStoreOptions(
  redis: Config['redis'],
  audit?: Pick<Config['audit'], 'minReplicas' | 'replicaTimeoutMs'>,
): RedisStoreOptions {
  return {
    url: redis.url,
    clusterNodes: redis.clusterNodes,
    sentinels: redis.sentinels,
    sentinelMaster: redis.sentinelMaster,
    ...(audit !== undefined && audit.minReplicas > 0 ? { logWaitMaxMs: audit.replicaTimeoutMs } : {}),
  };
}
