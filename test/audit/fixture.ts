import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createAuditTrail } from '../../src/audit/durable-trail.js';
import type { AuditInput, AuditTrail } from '../../src/audit/audit-trail.js';
import { createBackgroundTasks } from '../../src/platform/background-tasks.js';
import { createMetrics, type Metrics } from '../../src/platform/metrics.js';
import { createKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { captureLogs } from '../helpers/gateway.js';
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
  logs: ReturnType<typeof captureLogs>;
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

/** The record ids in the stream, oldest first, read straight from Redis. */
export async function streamRecordIds(url: string, key: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const rows = await redis.xrange(key, '-', '+');
    return rows.map(([, fields]) => (JSON.parse(fields[1] ?? '{}') as { id: string }).id);
  } finally {
    redis.disconnect();
  }
}

/** Polls `condition` until true, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function metricValue(metrics: Metrics, name: string, labels: Record<string, string> = {}) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
  );
  return value?.value ?? 0;
}
