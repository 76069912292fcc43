import type { Store } from '../store/store.js';
import type { AuditRecord } from './record.js';
import { matchesFilter, scanLog } from './scan-log.js';
import type { AuditFilter, AuditPage } from './audit-trail.js';

export interface AuditQueryOptions {
  /** Entries read per round trip. @default 200 */
  chunk?: number;
  /**
   * Entries examined per page at most, so a rare filter cannot make one request read the whole
   * log: the page then comes back short, with `hasMore` and a cursor to go on from. @default 5000
   */
  maxScan?: number;
}

/**
 * One page of records matching `filter`, newest first. The cursor is the store position of the
 * last entry looked at; the next page starts strictly after it, so a walk sees every record once.
 */
export async function queryAuditLog(
  store: Store,
  key: string,
  filter: AuditFilter,
  options: AuditQueryOptions = {},
): Promise<AuditPage> {
  const maxScan = options.maxScan ?? 5000;
  const items: AuditRecord[] = [];
  let lastItemPosition: string | undefined;
  let scanned = 0;
  for await (const entry of scanLog(store, key, {
    before: filter.cursor,
    notBeforeMs: filter.from?.getTime(),
    chunk: options.chunk ?? 200,
  })) {
    if (entry.record !== undefined && matchesFilter(entry.record, filter)) {
      // One match past the page tells whether there is more without an empty last page.
      if (items.length === filter.limit)
        return { items, nextCursor: lastItemPosition ?? null, hasMore: true };
      items.push(entry.record);
      lastItemPosition = entry.position;
    }
    scanned += 1;
    if (scanned >= maxScan) return { items, nextCursor: entry.position, hasMore: true };
  }
  return { items, nextCursor: null, hasMore: false };
}
