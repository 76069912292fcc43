import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAuditRecords } from '../../src/audit/export.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { createRedisStore } from '../../src/store/redis.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { auditInput, makeTrail, type TrailHarness } from './fixture.js';

const run = promisify(execFile);
const T0 = Date.parse('2025-05-01T00:00:00.000Z');
const minute = (n: number) => new Date(T0 + n * 60_000);

describe('audit:export', () => {
  const store = createRedisStore({ url: REDIS_URL });
  const prefix = testPrefix('export');
  let h: TrailHarness;
  let now = T0;

  beforeAll(async () => {
    expect(await store.ready(5000)).toBe(true);
    h = makeTrail({ store, prefix, clock: () => now });
    for (let i = 0; i < 6; i += 1) {
      now = minute(i).getTime();
      await h.trail.record(auditInput({ traceId: `m${i}` }));
    }
    // A record of minute 2.5 that reaches the stream late (as from a spool): after m5 in the stream.
    now = T0 + 150_000;
    await h.trail.record(auditInput({ traceId: 'late' }));
  });
  afterAll(async () => {
    await h.trail.close();
    await deleteKeys(prefix);
    await store.close();
  });

  it('prints from ≤ at < to, oldest first, even for a record delivered late', async () => {
    const lines: string[] = [];
    const count = await exportAuditRecords(store, h.key, { from: minute(1), to: minute(4) }, (l) => {
      lines.push(l);
    });
    expect(count).toBe(4);
    expect(lines.map((l) => (JSON.parse(l) as AuditRecord).traceId)).toEqual(['m1', 'm2', 'late', 'm3']);
  });

  it('runs as `npm run -s audit:export` with only the Redis variables set', async () => {
    const { stdout, stderr } = await run(
      'npm',
      ['run', '-s', 'audit:export', '--', '--from', minute(4).toISOString(), '--to', '2025-05-02T00:00:00Z'],
      { env: { PATH: process.env['PATH'] ?? '', REDIS_URL, REDIS_KEY_PREFIX: prefix }, timeout: 15_000 },
    );
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.traceId)).toEqual(['m4', 'm5']);
    expect(stderr).toContain('2 records');
  });

  it('refuses a bad time with one line on stderr and exit code 1', async () => {
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/audit-export.ts', '--from', 'last week'],
      {
        env: { PATH: process.env['PATH'] ?? '', REDIS_URL, REDIS_KEY_PREFIX: prefix },
        timeout: 15_000,
      },
    ).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string; stdout: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/--from must be an ISO 8601 time/);
    expect(failed?.stdout).toBe('');
  });
});
