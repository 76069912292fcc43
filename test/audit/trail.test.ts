import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryAuditLog } from '../../src/audit/query.js';
import type { AuditRecord } from '../../src/audit/record.js';
import type { AuditFilter } from '../../src/audit/audit-trail.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { metricValue } from '../helpers/metrics.js';
import { auditInput, makeTrail, streamRecordIds, type TrailHarness } from './fixture.js';

const store = createRedisStore({ url: REDIS_URL });
const prefixes: string[] = [];
const harnesses: TrailHarness[] = [];

function trailOnRedis(options: { store?: Store; clock?: () => number } = {}): TrailHarness {
  const prefix = testPrefix('trail');
  prefixes.push(prefix);
  const harness = makeTrail({
    store: options.store ?? store,
    prefix,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  harnesses.push(harness);
  return harness;
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.trail.close();
  for (const p of prefixes.splice(0)) await deleteKeys(p);
});
beforeAll(async () => {
  expect(await store.ready(5000)).toBe(true);
});
afterAll(() => store.close());

async function walk(h: TrailHarness, filter: Omit<AuditFilter, 'limit' | 'cursor'>, limit: number) {
  const seen: AuditRecord[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page = await h.trail.query({ ...filter, limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    if (!page.hasMore) {
      expect(page.nextCursor).toBeNull();
      return seen;
    }
    cursor = page.nextCursor ?? undefined;
  }
  throw new Error('pagination did not end');
}

describe('the audit trail on Redis', () => {
  it('resolves once the record is in the stream, with the JSON stored, and logs nothing', async () => {
    const h = trailOnRedis();
    const json = await h.trail.record(auditInput({ traceId: 'trace-1' }));
    const ids = await streamRecordIds(REDIS_URL, h.key);
    expect(ids).toHaveLength(1);
    const page = await h.trail.query({ limit: 10 });
    const record = page.items[0] as AuditRecord;
    expect(record.id).toBe(ids[0]);
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(record.traceId).toBe('trace-1');
    expect(record.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The one string: what the stream holds is what record() gave the request's log line.
    expect((await store.readLog(h.key, { count: 1 }))[0]?.json).toBe(json);
    expect(JSON.stringify(record)).toBe(json);
    // The request's line carries the record; the trail writes no line of its own when all is well.
    expect(h.logs.lines).toEqual([]);
    expect(await metricValue(h.metrics.auditRecords, { sink: 'stream' })).toBe(1);
  });

  it('writes the records of concurrent requests together, in few round trips', async () => {
    let appends = 0;
    const counting: Store = {
      ...store,
      appendLog(key, records, options) {
        appends += 1;
        return store.appendLog(key, records, options);
      },
    };
    const h = trailOnRedis({ store: counting });
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.trail.record(auditInput({ traceId: `t${i}` }))));
    expect(new Set(await streamRecordIds(REDIS_URL, h.key)).size).toBe(50);
    expect(appends).toBeLessThanOrEqual(3);
  });

  it('gives ids that sort in the order records were made', async () => {
    const h = trailOnRedis();
    for (let i = 0; i < 20; i += 1) await h.trail.record(auditInput());
    const ids = await streamRecordIds(REDIS_URL, h.key);
    expect([...ids].sort()).toEqual(ids);
  });

  it('pages newest first and a walk sees every record exactly once', async () => {
    const h = trailOnRedis();
    for (let i = 0; i < 23; i += 1) await h.trail.record(auditInput({ traceId: `t${i}` }));
    const seen = await walk(h, {}, 5);
    expect(seen.map((r) => r.traceId)).toEqual(Array.from({ length: 23 }, (_, i) => `t${22 - i}`));
  });

  it('filters by actor (username or user id), group, event and time', async () => {
    let now = Date.parse('2025-03-01T00:00:00.000Z');
    const h = trailOnRedis({ clock: () => now });
    const add = async (minute: number, over: Parameters<typeof auditInput>[0]) => {
      now = Date.parse('2025-03-01T00:00:00.000Z') + minute * 60_000;
      await h.trail.record(auditInput(over));
    };
    await add(0, { traceId: 'a1' });
    await add(1, { traceId: 'b1', actor: { userId: 'u_bob', username: 'bob' }, accountGroupId: 'grp_b' });
    await add(2, {
      traceId: 'x1',
      event: 'auth.login_failed',
      actor: { userId: null, username: 'mallory' },
      accountGroupId: null,
      query: null,
    });
    await add(3, { traceId: 'a2', accountGroupId: 'grp_b' });
    await add(4, {
      traceId: 'b2',
      event: 'auth.logout',
      actor: { userId: 'u_bob', username: 'bob' },
      accountGroupId: null,
      query: null,
    });
    const traces = async (filter: Omit<AuditFilter, 'limit' | 'cursor'>) =>
      (await walk(h, filter, 2)).map((r) => r.traceId);

    expect(await traces({ actor: 'bob' })).toEqual(['b2', 'b1']);
    expect(await traces({ actor: 'u_alice' })).toEqual(['a2', 'a1']);
    expect(await traces({ actor: 'mallory' })).toEqual(['x1']);
    expect(await traces({ accountGroupId: 'grp_b' })).toEqual(['a2', 'b1']);
    expect(await traces({ event: 'auth.login_failed' })).toEqual(['x1']);
    expect(await traces({ event: 'scans.list', actor: 'alice', accountGroupId: 'grp_a' })).toEqual(['a1']);
    expect(
      await traces({ from: new Date('2025-03-01T00:01:00.000Z'), to: new Date('2025-03-01T00:03:00.000Z') }),
    ).toEqual(['x1', 'b1']);
    expect(await traces({ actor: 'nobody' })).toEqual([]);
  });

  it('a rare filter comes back in short pages rather than reading the whole log at once', async () => {
    const h = trailOnRedis();
    for (let i = 0; i < 30; i += 1) {
      await h.trail.record(
        auditInput({ traceId: `t${i}`, accountGroupId: i % 10 === 0 ? 'grp_rare' : 'grp_a' }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      pages += 1;
      const page = await queryAuditLog(
        store,
        h.key,
        { accountGroupId: 'grp_rare', limit: 10, ...(cursor ? { cursor } : {}) },
        { chunk: 4, maxScan: 7 },
      );
      seen.push(...page.items.map((r) => r.traceId));
      if (!page.hasMore) break;
      cursor = page.nextCursor ?? undefined;
    }
    expect(seen).toEqual(['t20', 't10', 't0']);
    expect(pages).toBeGreaterThan(1);
  });
});

describe('the audit trail on the embedded store', () => {
  it('records and queries the same way', async () => {
    const memory = createMemoryStore();
    const h = makeTrail({ store: memory });
    harnesses.push(h);
    for (let i = 0; i < 7; i += 1) await h.trail.record(auditInput({ traceId: `m${i}` }));
    const seen = await walk(h, { actor: 'alice' }, 3);
    expect(seen.map((r) => r.traceId)).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    await memory.close();
  });
});
