import { describe, expect, it } from 'vitest';
import { createLocalTier } from '../../src/cache/local-tier.js';
import type { PageEntry } from '../../src/cache/page-entry.js';

const entry = (freshUntil: number): PageEntry => ({
  accountGroupId: 'grp_a',
  freshUntil,
  staleUntil: freshUntil + 10_000,
  fillToken: 'token',
  page: {
    dataJson: '{"items":[],"nextCursor":null,"hasMore":false}',
    itemCount: 0,
    upstreamTraceId: undefined,
  },
});

describe('the in-process copy of fresh pages', () => {
  it('serves a copy for at most its ttl', () => {
    const tier = createLocalTier({ ttlMs: 1000, maxEntries: 10 });
    tier.set('p', entry(60_000), 0);
    expect(tier.get('p', 999)).toBeDefined();
    expect(tier.get('p', 1000)).toBeUndefined();
  });

  it('never serves a page past its fresh-until', () => {
    const tier = createLocalTier({ ttlMs: 1000, maxEntries: 10 });
    tier.set('p', entry(500), 0);
    expect(tier.get('p', 499)).toBeDefined();
    expect(tier.get('p', 500)).toBeUndefined();
  });

  it('forgets the oldest copy beyond its size, a deleted one at once, and nothing is kept with ttl 0', () => {
    const tier = createLocalTier({ ttlMs: 1000, maxEntries: 2 });
    tier.set('a', entry(60_000), 0);
    tier.set('b', entry(60_000), 0);
    tier.set('c', entry(60_000), 0);
    expect(tier.get('a', 1)).toBeUndefined();
    expect(tier.get('c', 1)).toBeDefined();
    tier.delete('c');
    expect(tier.get('c', 1)).toBeUndefined();
    const off = createLocalTier({ ttlMs: 0, maxEntries: 2 });
    off.set('a', entry(60_000), 0);
    expect(off.get('a', 0)).toBeUndefined();
  });
});
