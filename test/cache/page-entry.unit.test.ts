import { describe, expect, it } from 'vitest';
import { decodePageEntry, encodePageEntry, type PageEntry } from '../../src/cache/page-entry.js';

const entry: PageEntry = {
  accountGroupId: 'grp_a',
  freshUntil: 1_700_000_030_000,
  staleUntil: 1_700_000_330_000,
  fillToken: '0b7e1c9a-2f1d-4c3e-9a7b-5d6e7f8a9b0c',
  page: {
    dataJson: '{"items":[{"id":"s1","note":"a|b\\nc"}],"nextCursor":null,"hasMore":false}',
    itemCount: 1,
    upstreamTraceId: 'vendor|trace\nid',
  },
};

describe('a cached page entry', () => {
  it('round-trips, with the page bytes untouched', () => {
    const raw = encodePageEntry(entry);
    expect(raw.endsWith(`\n${entry.page.dataJson}`)).toBe(true);
    expect(decodePageEntry(raw, 'grp_a')).toEqual(entry);
  });

  it('keeps an absent upstream trace id absent', () => {
    const raw = encodePageEntry({ ...entry, page: { ...entry.page, upstreamTraceId: undefined } });
    expect(decodePageEntry(raw, 'grp_a')?.page.upstreamTraceId).toBeUndefined();
  });

  it.each([
    ['another group', (raw: string) => raw, 'grp_b'],
    ['another format version', (raw: string) => raw.replace(/^v1/, 'v2'), 'grp_a'],
    ['a truncated body', (raw: string) => raw.slice(0, -1), 'grp_a'],
    ['a longer body', (raw: string) => raw.replace('"s1"', '"s12"'), 'grp_a'],
    ['no header', (raw: string) => raw.slice(raw.indexOf('\n') + 1), 'grp_a'],
    ['a damaged time', (raw: string) => raw.replace('1700000030000', '17e11'), 'grp_a'],
    ['fresh after stale', (raw: string) => raw.replace('1700000030000', '1800000000000'), 'grp_a'],
    ['a broken trace id', (raw: string) => raw.replace('|=vendor', '|=%E0%A4%A'), 'grp_a'],
    [
      'a body of the right length that is not an object',
      (raw: string) => {
        const body = raw.slice(raw.indexOf('\n') + 1);
        return raw.slice(0, raw.length - body.length) + `[${' '.repeat(body.length - 2)}]`;
      },
      'grp_a',
    ],
  ])('fails its check with %s', (_name, damage, group) => {
    expect(decodePageEntry(damage(encodePageEntry(entry)), group)).toBeUndefined();
  });
});
