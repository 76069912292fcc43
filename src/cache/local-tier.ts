import type { PageEntry } from './page-entry.js';

/**
 * A short in-process copy of fresh pages, in front of the shared store: a hot page is served
 * without a Redis round trip for at most `ttlMs` (and never past its fresh-until). Another
 * instance's refresh of the page can therefore show here up to `ttlMs` late, within the page's
 * freshness. Only the HIT path reads it; fills and their waiters always go to the store.
 */
export interface LocalTier {
  get(pageId: string, now: number): PageEntry | undefined;
  set(pageId: string, entry: PageEntry, now: number): void;
  delete(pageId: string): void;
}

export function createLocalTier(options: { ttlMs: number; maxEntries: number }): LocalTier {
  const copies = new Map<string, { entry: PageEntry; until: number }>();
  return {
    get(pageId, now) {
      const copy = copies.get(pageId);
      if (copy === undefined) return undefined;
      if (now < copy.until) return copy.entry;
      copies.delete(pageId);
      return undefined;
    },
    set(pageId, entry, now) {
      if (options.ttlMs <= 0) return;
      const until = Math.min(now + options.ttlMs, entry.freshUntil);
      if (until <= now) return;
      copies.delete(pageId);
      copies.set(pageId, { entry, until });
      // Maps keep insertion order: the first key is the oldest copy.
      if (copies.size > options.maxEntries) {
        const oldest = copies.keys().next();
        if (oldest.done !== true) copies.delete(oldest.value);
      }
    },
    delete(pageId) {
      copies.delete(pageId);
    },
  };
}
