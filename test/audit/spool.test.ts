import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildAuditRecord } from '../../src/audit/record.js';
import { createSpool } from '../../src/audit/spool.js';
import { AUDIT_WRITER_TTL_MS } from '../../src/audit/stream-writer.js';
import { AuditUnavailableError } from '../../src/audit/audit-trail.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, REDIS_URL, startOwnRedis, testPrefix, type OwnRedis } from '../helpers/redis.js';
import { metricValue } from '../helpers/metrics.js';
import { auditInput, makeTrail, newSpoolDir, streamRecordIds, type TrailHarness } from './fixture.js';

const harnesses: TrailHarness[] = [];
const prefixes: string[] = [];
function track(h: TrailHarness, prefix: string): TrailHarness {
  harnesses.push(h);
  prefixes.push(prefix);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.trail.close();
  for (const p of prefixes.splice(0)) await deleteKeys(p);
});

const spooledLines = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l !== '');
/** The record lines, without the batch lines before them. */
const spooledRecords = (dir: string) => spooledLines(dir).filter((l) => l.startsWith('{"id":'));

describe('the spool when Redis is killed', () => {
  let own: OwnRedis;
  let store: Store;

  beforeAll(async () => {
    own = await startOwnRedis();
    store = createRedisStore({ url: own.url });
    expect(await store.ready(5000)).toBe(true);
  });
  afterAll(async () => {
    await store.close();
    await own.stop();
  });

  it('keeps every record while Redis is down and delivers each exactly once to a restarted, empty Redis', async () => {
    const prefix = testPrefix('spool');
    const h = track(makeTrail({ store, prefix }), prefix);
    await own.stop();
    const inputs = Array.from({ length: 40 }, (_, i) => auditInput({ traceId: `down-${i}` }));
    await Promise.all(inputs.map((input) => h.trail.record(input)));

    expect(await metricValue(h.metrics.auditRecords, { sink: 'spool' })).toBe(40);
    expect(await metricValue(h.metrics.auditSpoolDepth)).toBe(40);
    expect(spooledRecords(h.spoolDir)).toHaveLength(40);

    await own.start();
    expect(await store.ready(5000)).toBe(true);
    await h.trail.flush();

    const ids = await streamRecordIds(own.url, h.key);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(await metricValue(h.metrics.auditSpoolDepth)).toBe(0);
    expect(await metricValue(h.metrics.auditDeliveryLag)).toBe(0);
    expect(spooledLines(h.spoolDir)).toHaveLength(0);
    // A second flush finds nothing more to send.
    await h.trail.flush();
    expect(await streamRecordIds(own.url, h.key)).toHaveLength(40);
  });

  it('delivers the spool in the background once Redis is back, without a flush', async () => {
    const prefix = testPrefix('spool');
    const h = track(makeTrail({ store, prefix, retryMs: 50 }), prefix);
    await own.stop();
    for (let i = 0; i < 5; i += 1) await h.trail.record(auditInput({ traceId: `bg-${i}` }));
    expect(await metricValue(h.metrics.auditSpoolDepth)).toBe(5);
    await own.start();
    await h.logs.waitFor('audit spool delivered');
    expect(await metricValue(h.metrics.auditSpoolDepth)).toBe(0);
    const ids = await streamRecordIds(own.url, h.key);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });
});

/** The shared Redis behind a switch: the audit writes (only) fail, or succeed and then lose their reply. */
function switchable(real: Store) {
  let mode: 'up' | 'down' | 'reply-lost' = 'up';
  const store: Store = {
    ...real,
    async appendLog(key, batch, options) {
      if (mode === 'down') throw new StoreUnavailableError(new Error('test: down'));
      const landed = await real.appendLog(key, batch, options);
      if (mode === 'reply-lost') throw new StoreUnavailableError(new Error('test: reply lost'));
      return landed;
    },
    async redeliverLog(key, batches, options) {
      if (mode === 'down') throw new StoreUnavailableError(new Error('test: down'));
      const result = await real.redeliverLog(key, batches, options);
      if (mode === 'reply-lost') throw new StoreUnavailableError(new Error('test: reply lost'));
      return result;
    },
    ping: () => (mode === 'down' ? Promise.reject(new StoreUnavailableError()) : real.ping()),
  };
  return { store, set: (m: typeof mode) => (mode = m) };
}

describe('spool delivery is exactly once', () => {
  const real = createRedisStore({ url: REDIS_URL });
  beforeAll(async () => {
    expect(await real.ready(5000)).toBe(true);
  });
  afterAll(() => real.close());

  it('a live write that landed but lost its reply is spooled too, and is in the stream once', async () => {
    const prefix = testPrefix('spool');
    const redis = switchable(real);
    const h = track(makeTrail({ store: redis.store, prefix }), prefix);
    await h.trail.record(auditInput({ traceId: 'before' }));
    redis.set('reply-lost');
    const both = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.trail.record(auditInput({ traceId: `both-${i}` }))),
    );
    expect(await metricValue(h.metrics.auditRecords, { sink: 'spool' })).toBe(6);
    expect(spooledRecords(h.spoolDir)).toEqual(both);
    // The same records, in Redis and in the spool.
    expect(await streamRecordIds(REDIS_URL, h.key)).toHaveLength(7);
    redis.set('up');
    await h.trail.record(auditInput({ traceId: 'after' }));
    await h.trail.flush();
    const ids = await streamRecordIds(REDIS_URL, h.key);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect(spooledLines(h.spoolDir)).toHaveLength(0);
    expect(h.logs.text()).toMatch(/"alreadyInStream":6/);
  });

  it('a delivery whose acknowledgement is lost is repeated without duplicates', async () => {
    const prefix = testPrefix('spool');
    const redis = switchable(real);
    const h = track(makeTrail({ store: redis.store, prefix }), prefix);
    redis.set('down');
    await Promise.all(Array.from({ length: 12 }, (_, i) => h.trail.record(auditInput({ traceId: `r${i}` }))));
    redis.set('reply-lost');
    await expect(h.trail.flush()).rejects.toThrow(/not fully delivered/);
    expect(spooledRecords(h.spoolDir)).toHaveLength(12);
    redis.set('up');
    await h.trail.flush();
    const ids = await streamRecordIds(REDIS_URL, h.key);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
  });

  it('a new process delivers what the last one left, even when it died mid-delivery', async () => {
    const prefix = testPrefix('spool');
    const spoolDir = newSpoolDir();
    const redis = switchable(real);
    redis.set('down');
    const first = makeTrail({ store: redis.store, prefix, spoolDir });
    for (let i = 0; i < 10; i += 1) await first.trail.record(auditInput({ traceId: `old-${i}` }));
    await first.trail.close();
    expect(spooledRecords(spoolDir)).toHaveLength(10);

    // The first process got half of its segment into Redis before it died.
    const spool = createSpool({ dir: spoolDir, maxBytes: 1 << 20 });
    const [segment] = await spool.closedSegments({ closeActive: true });
    if (segment === undefined) throw new Error('no segment');
    const { batches } = await spool.read(segment);
    expect(batches).toHaveLength(10);
    await real.redeliverLog(first.key, batches.slice(0, 5), {
      maxLen: 1000,
      writerTtlMs: AUDIT_WRITER_TTL_MS,
    });

    const second = track(makeTrail({ store: real, prefix, spoolDir }), prefix);
    await second.trail.flush();
    const ids = await streamRecordIds(REDIS_URL, second.key);
    expect(ids).toHaveLength(10);
    const spooledIds = batches.flatMap((b) => b.entries.map((e) => (JSON.parse(e) as { id: string }).id));
    expect(new Set(ids)).toEqual(new Set(spooledIds));
    expect(spooledLines(spoolDir)).toHaveLength(0);
  });

  it('close() (SIGTERM) delivers what the spool holds before it returns', async () => {
    const prefix = testPrefix('spool');
    const redis = switchable(real);
    redis.set('down');
    const h = makeTrail({ store: redis.store, prefix });
    prefixes.push(prefix);
    for (let i = 0; i < 4; i += 1) await h.trail.record(auditInput({ traceId: `term-${i}` }));
    redis.set('up');
    await h.trail.close();
    expect(new Set(await streamRecordIds(REDIS_URL, h.key)).size).toBe(4);
    expect(spooledLines(h.spoolDir)).toHaveLength(0);
  });

  it('a line torn by a crash mid-append is skipped and the rest delivered', async () => {
    const prefix = testPrefix('spool');
    const spoolDir = newSpoolDir();
    mkdirSync(spoolDir, { recursive: true });
    const good = buildAuditRecord(auditInput({ traceId: 'whole' }), {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      atMs: Date.now(),
    });
    writeFileSync(
      join(spoolDir, 'seg-000000000000001-1-1-aaaaaa.jsonl'),
      `${JSON.stringify(good)}\n{"id":"0189`,
    );
    const h = track(makeTrail({ store: real, prefix, spoolDir }), prefix);
    await h.trail.flush();
    expect(await streamRecordIds(REDIS_URL, h.key)).toEqual([good.id]);
    expect(h.logs.text()).toContain('torn write');
  });

  it('when the spool cannot be written either, record() rejects with AuditUnavailableError', async () => {
    const prefix = testPrefix('spool');
    const redis = switchable(real);
    redis.set('down');
    const file = join(mkdtempSync(join(tmpdir(), 'sbff-audit-')), 'a-file');
    writeFileSync(file, 'not a directory');
    const h = track(makeTrail({ store: redis.store, prefix, spoolDir: join(file, 'spool') }), prefix);
    await expect(h.trail.record(auditInput())).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(h.logs.text()).toContain('could not be written to Redis or the spool');
    // Redis back: records go to the stream again.
    redis.set('up');
    await h.trail.record(auditInput());
    expect(await streamRecordIds(REDIS_URL, h.key)).toHaveLength(1);
  });

  it('when the spool is full (AUDIT_SPOOL_MAX_BYTES), record() rejects and nothing partial is kept', async () => {
    const prefix = testPrefix('spool');
    const redis = switchable(real);
    redis.set('down');
    const h = track(makeTrail({ store: redis.store, prefix, spoolMaxBytes: 2048 }), prefix);
    const outcomes = [];
    for (let i = 0; i < 10; i += 1) {
      outcomes.push(
        await h.trail.record(auditInput({ traceId: `full-${i}` })).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      );
    }
    const kept = outcomes.filter((o) => o === 'ok').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(10);
    expect(outcomes.slice(kept).every((o) => o instanceof AuditUnavailableError)).toBe(true);
    expect(spooledRecords(h.spoolDir)).toHaveLength(kept);
    redis.set('up');
    await h.trail.flush();
    expect(await streamRecordIds(REDIS_URL, h.key)).toHaveLength(kept);
  });
});
