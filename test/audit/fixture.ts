import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createAuditTrail } from '../../src/audit/durable-trail.js';
import type { AuditInput, AuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { createBackgroundTasks } from '../../src/platform/background-tasks.js';
import { createMetrics, type Metrics } from '../../src/platform/metrics.js';
import { createKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { captureLogs, type CapturedLogs } from '../helpers/logs.js';
import { testPrefix } from '../helpers/redis.js';

export function auditInput(over: Partial<AuditInput> = {}): AuditInput {
  return {
    event: 'scans.list',
    traceId: 'f'.repeat(32),
    actor: { userId: 'u_alice', username: 'alice' },
    accountGroupId: 'grp_a',
    query: { cursor: null, status: null, limit: null },
    outcome: { status: 200, code: null, cache: 'MISS', itemCount: 3, upstreamTraceId: null },
    client: { ip: '127.0.0.1', userAgent: 'vitest' },
    durationMs: 5,
    ...over,
  };
}

export function newSpoolDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'sbff-audit-')), 'spool');
}

export interface TrailHarness {
  trail: AuditTrail;
  metrics: Metrics;
  logs: CapturedLogs;
  key: string;
  spoolDir: string;
}

export function makeTrail(options: {
  store: Store;
  prefix?: string;
  spoolDir?: string;
  spoolMaxBytes?: number;
  retryMs?: number;
  clock?: () => number;
}): TrailHarness {
  const logs = captureLogs();
  const metrics = createMetrics();
  const keys = createKeys(options.prefix ?? testPrefix('audit'));
  const spoolDir = options.spoolDir ?? newSpoolDir();
  const trail = createAuditTrail({
    store: options.store,
    keys,
    spoolDir,
    spoolMaxBytes: options.spoolMaxBytes ?? 1024 * 1024,
    maxRecords: 100_000,
    logger: logs.logger,
    metrics,
    tracker: createBackgroundTasks(logs.logger),
    clock: options.clock ?? Date.now,
    // A long retry keeps background delivery out of tests that drive flush() themselves.
    retryMs: options.retryMs ?? 60_000,
  });
  return { trail, metrics, logs, key: keys.auditLog(), spoolDir };
}

/** Every record in an audit stream, oldest first, read straight from Redis: the raw JSON and parsed. */
export async function streamRecords(
  url: string,
  key: string,
): Promise<{ raw: string[]; records: AuditRecord[] }> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const rows = await redis.xrange(key, '-', '+');
    const raw = rows.map(([, fields]) => fields[1] ?? '');
    return { raw, records: raw.map((json) => JSON.parse(json) as AuditRecord) };
  } finally {
    redis.disconnect();
  }
}

/** The record ids in an audit stream, oldest first. */
export async function streamRecordIds(url: string, key: string): Promise<string[]> {
  return (await streamRecords(url, key)).records.map((r) => r.id);
}
