import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadExportConfig } from '../audit/export-config.js';
import { exportAuditRecords } from '../audit/export.js';
import { createKeys } from '../store/keys.js';
import { createRedisStore } from '../store/redis.js';
import { redisStoreOptions } from '../store/redis-target.js';

/**
 * `npm run -s audit:export -- --from <ISO> --to <ISO>`: the audit records with from ≤ at < to
 * (either bound may be left out), oldest first, one JSON line each on stdout, for SIEM import.
 * Problems go to stderr with exit code 1; stdout carries records only.
 */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' } },
    strict: true,
  });
  const from = parseTime('--from', values.from);
  const to = parseTime('--to', values.to);
  if (from !== undefined && to !== undefined && from >= to) throw new Error('--to must be after --from');

  const config = loadExportConfig(process.env);
  const store = createRedisStore({ ...redisStoreOptions(config.redis), commandTimeoutMs: 10_000 });
  try {
    if (!(await store.ready(5000)))
      throw new Error('Redis is not reachable (REDIS_URL / REDIS_SENTINELS / REDIS_CLUSTER_NODES)');
    const key = createKeys(config.redis.keyPrefix).auditLog();
    const count = await exportAuditRecords(store, key, { from, to }, async (line) => {
      if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
    });
    process.stderr.write(`audit:export: ${count} records\n`);
  } finally {
    await store.close();
  }
  return 0;
}

function parseTime(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : NaN;
  if (Number.isNaN(time)) throw new Error(`${flag} must be an ISO 8601 time, e.g. 2025-01-31T00:00:00Z`);
  return new Date(time);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit:export: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
