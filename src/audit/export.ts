import type { Store } from '../store/store.js';
import type { AuditRecord } from './record.js';
import { matchesFilter, scanLog } from './scan-log.js';

/**
 * Every record with from ≤ at < to, oldest first (by `at`, then id), for SIEM import. The log is
 * read newest first down to `from`; matches are held in memory to be sorted, because a record
 * delivered late from a spool sits later in the stream than its time.
 */
export async function exportAuditRecords(
  store: Store,
  key: string,
  range: { from?: Date | undefined; to?: Date | undefined },
  write: (line: string) => void | Promise<void>,
): Promise<number> {
  const matches: AuditRecord[] = [];
  for await (const entry of scanLog(store, key, { notBeforeMs: range.from?.getTime(), chunk: 1000 })) {
    if (entry.record !== undefined && matchesFilter(entry.record, range)) matches.push(entry.record);
  }
  matches.sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1));
  for (const record of matches) await write(JSON.stringify(record));
  return matches.length;
}
