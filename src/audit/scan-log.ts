import type { LogEntry, Store } from '../store/store.js';
import { parseAuditRecord, type AuditRecord } from './record.js';
import type { AuditFilter } from './audit-trail.js';

/**
 * Clock skew allowed between an instance (which stamps `at`) and Redis (which stamps the entry's
 * position). A record is appended at or after its `at`, never much before.
 */
const SKEW_MS = 60_000;

/** The store's position as the time it was appended, when the store says (Redis stream ids do). */
function positionTimeMs(position: string): number | undefined {
  const match = /^(\d{1,15})-\d+$/.exec(position);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface ScannedEntry {
  position: string;
  /** undefined for an entry that is not a valid record (never shown, never fatal). */
  record: AuditRecord | undefined;
}

/**
 * Newest first, in chunks, from `before` (exclusive) back to the start of the log, or to the
 * point where every older entry was appended before `notBeforeMs` (so its `at` is earlier too:
 * a spooled record is appended late, never early).
 */
export async function* scanLog(
  store: Store,
  key: string,
  options: { before?: string | undefined; notBeforeMs?: number | undefined; chunk: number },
): AsyncGenerator<ScannedEntry> {
  let before = options.before;
  for (;;) {
    const entries: LogEntry[] = await store.readLog(key, {
      ...(before === undefined ? {} : { before }),
      count: options.chunk,
    });
    for (const entry of entries) {
      const appendedAt = positionTimeMs(entry.position);
      if (
        options.notBeforeMs !== undefined &&
        appendedAt !== undefined &&
        appendedAt < options.notBeforeMs - SKEW_MS
      ) {
        return;
      }
      yield { position: entry.position, record: parseAuditRecord(entry.json) };
    }
    const last = entries.at(-1);
    if (entries.length < options.chunk || last === undefined) return;
    before = last.position;
  }
}

/** Whether a record passes the filter: `actor` is a username or a user id; from ≤ at < to. */
export function matchesFilter(record: AuditRecord, filter: Omit<AuditFilter, 'cursor' | 'limit'>): boolean {
  if (
    filter.actor !== undefined &&
    !names(record.actor, filter.actor) &&
    !names(record.subject, filter.actor)
  ) {
    return false;
  }
  if (filter.accountGroupId !== undefined && record.accountGroupId !== filter.accountGroupId) return false;
  if (filter.event !== undefined && record.event !== filter.event) return false;
  const at = Date.parse(record.at);
  if (filter.from !== undefined && at < filter.from.getTime()) return false;
  if (filter.to !== undefined && at >= filter.to.getTime()) return false;
  return true;
}

/** `actor` matches the one who acted and the one whose sessions an admin ended. */
function names(who: AuditRecord['actor'] | null, actor: string): boolean {
  return who !== null && (who.username === actor || who.userId === actor);
}
