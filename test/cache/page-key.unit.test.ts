import { describe, expect, it } from 'vitest';
import { pageId } from '../../src/cache/page-key.js';
import { createKeys } from '../../src/store/keys.js';

describe('the cache key of a page', () => {
  const base = { accountGroupId: 'grp_a' };

  it('tells an absent parameter from every value, and the parameters from each other', () => {
    const ids = [
      pageId(base),
      pageId({ ...base, status: 'queued' }),
      pageId({ ...base, cursor: 'queued' }),
      pageId({ ...base, limit: 20 }),
      pageId({ ...base, cursor: '-' }),
      pageId({ ...base, accountGroupId: 'grp_b' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is the same for the same query, whatever the order it was built in', () => {
    expect(pageId({ accountGroupId: 'g', limit: 5, status: 'done' })).toBe(
      pageId({ status: 'done', limit: 5, accountGroupId: 'g' }),
    );
  });

  it('hashes a long cursor, and a hashed cursor never equals a literal one', () => {
    const long = 'a'.repeat(1024);
    const id = pageId({ ...base, cursor: long });
    expect(id.length).toBeLessThan(120);
    expect(id).not.toContain(long.slice(0, 65));
    expect(pageId({ ...base, cursor: `${long}b` })).not.toBe(id);
    expect(pageId({ ...base, cursor: 'a'.repeat(64) })).toContain('a'.repeat(64));
  });

  it('keeps entry and lock in one Redis Cluster slot, and no value can break the hash tag', () => {
    const keys = createKeys('p:');
    const id = pageId({ ...base, status: 'x}{y', cursor: '{z}' });
    expect(id).not.toMatch(/[{}]/);
    const tag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    expect(tag(keys.page(id))).toBe(id);
    expect(tag(keys.pageLock(id))).toBe(id);
  });
});
