import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SCAN_STATUSES, startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { getScans, walkAll } from './fixture.js';

describe('simulator pages and cursors', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, itemsPerGroup: (group) => (group === 'empty' ? 0 : 53) });
  });
  afterAll(() => sim.close());

  it('a page is the vendor envelope with documented item fields plus extra ones', async () => {
    const { status, headers, body } = await getScans(sim, 'grp_a', { limit: '5' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toMatchObject({ success: true, error: null, data: { hasMore: true } });
    expect(body.traceId).toMatch(/^[0-9a-f]{24}$/);
    for (const item of body.data?.items ?? []) {
      expect(item.scanId).toMatch(/^[0-9a-f]{24}$/);
      expect(['prospecting', 'enrichment', 'monitoring']).toContain(item.type);
      expect(SCAN_STATUSES).toContain(item.status);
      expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
      expect(item.updatedAt >= item.createdAt).toBe(true);
      expect(item['source']).toEqual(expect.any(String));
      expect(item['metrics']).toEqual(expect.objectContaining({ signalsFound: expect.any(Number) }));
    }
  });

  it('cursors walk every scan exactly once, newest first, ending with nextCursor null', async () => {
    const { ids, items, pages } = await walkAll(sim, 'grp_a', { limit: '7' });
    expect(pages).toBe(8);
    expect(ids).toHaveLength(53);
    expect(new Set(ids).size).toBe(53);
    const created = items.map((i) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    // The same set as one big page would give.
    const first = await getScans(sim, 'grp_a', { limit: '100' });
    expect(first.body.data).toMatchObject({ nextCursor: null, hasMore: false });
    expect(ids).toEqual(first.body.data?.items.map((i) => i.scanId));
  });

  it('cursors walk every scan of a status exactly once, with the filter kept', async () => {
    const all = (await walkAll(sim, 'grp_a', { limit: '100' })).items;
    let seen = 0;
    for (const status of SCAN_STATUSES) {
      const { ids, items } = await walkAll(sim, 'grp_a', { status, limit: '3' });
      expect(items.every((i) => i.status === status)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(all.filter((i) => i.status === status).map((i) => i.scanId));
      seen += ids.length;
    }
    expect(seen).toBe(all.length);
  });

  it('an empty group answers one empty last page', async () => {
    const { body } = await getScans(sim, 'empty');
    expect(body.data).toEqual({ items: [], nextCursor: null, hasMore: false });
  });
});

describe('simulator data', () => {
  let a: RunningSimulator;
  let b: RunningSimulator;
  let other: RunningSimulator;
  beforeAll(async () => {
    [a, b, other] = await Promise.all([
      startSimulator({ seed: 42 }),
      startSimulator({ seed: 42 }),
      startSimulator({ seed: 43 }),
    ]);
  });
  afterAll(() => Promise.all([a.close(), b.close(), other.close()]));

  it('is the same for two instances with the same seed, cursors included', async () => {
    const pageA = await getScans(a, 'grp_x', { limit: '10' });
    const pageB = await getScans(b, 'grp_x', { limit: '10' });
    expect(pageB.body.data).toEqual(pageA.body.data);
    expect(pageB.body.traceId).not.toBe(pageA.body.traceId);
    expect((await walkAll(b, 'grp_x')).ids).toEqual((await walkAll(a, 'grp_x')).ids);
  });

  it('differs with another seed, and between groups', async () => {
    const ids = async (sim: RunningSimulator, group: string): Promise<string[]> =>
      (await getScans(sim, group, { limit: '10' })).body.data?.items.map((i) => i.scanId) ?? [];
    expect(await ids(other, 'grp_x')).not.toEqual(await ids(a, 'grp_x'));
    expect(await ids(a, 'grp_y')).not.toEqual(await ids(a, 'grp_x'));
  });

  it('has 30 to 80 scans per group by default', async () => {
    for (const group of ['g1', 'g2', 'g3', 'g4']) {
      const { ids } = await walkAll(a, group, { limit: '100' });
      expect(ids.length).toBeGreaterThanOrEqual(30);
      expect(ids.length).toBeLessThanOrEqual(80);
    }
  });
});
