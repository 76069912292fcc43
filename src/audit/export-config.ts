import { ConfigError, loadRedisConfig, usesEmbeddedStore, type Config } from '../config.js';

export interface ExportConfig {
  redis: Config['redis'];
}

/**
 * What `audit:export` needs: the Redis variables, parsed by config.ts, without the gateway's
 * required UPSTREAM_* and USERS_FILE — and a Redis, since the embedded store has no stream.
 */
export function loadExportConfig(env: Record<string, string | undefined>): ExportConfig {
  const redis = loadRedisConfig(env);
  if (usesEmbeddedStore(redis)) {
    throw new ConfigError([
      'REDIS_URL: is required (or REDIS_SENTINELS or REDIS_CLUSTER_NODES): the audit stream lives in Redis; the embedded store has none to export',
    ]);
  }
  return { redis };
}
