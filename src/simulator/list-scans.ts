import { ACCOUNT_GROUP_ID } from '../platform/account-group-id.js';
import type { CursorCodec } from './cursor.js';
import { SCAN_STATUSES } from './data.js';
import type { ScanCatalog, ScanStatus } from './data.js';
import { errorAnswer, okAnswer } from './envelope.js';
import type { Answer } from './envelope.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const DIGITS = /^[0-9]{1,4}$/;
const STATUS_SET: ReadonlySet<string> = new Set(SCAN_STATUSES);

function invalid(field: string, message: string): Answer {
  return errorAnswer(400, 'VALIDATION_ERROR', message, field);
}

/**
 * One page of a group's scans, after auth. Unknown query parameters are ignored, like a lenient
 * vendor; known ones are checked strictly so the gateway's 400 mapping has real messages to keep.
 */
export function listScans(
  deps: { catalog: ScanCatalog; cursors: CursorCodec },
  accountGroupId: string,
  query: Record<string, string>,
): Answer {
  if (!ACCOUNT_GROUP_ID.test(accountGroupId)) {
    return invalid('accountGroupId', 'accountGroupId must be 1-64 characters of letters, digits, _ or -');
  }
  let limit = DEFAULT_LIMIT;
  const rawLimit = query['limit'];
  if (rawLimit !== undefined) {
    limit = DIGITS.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      return invalid('limit', `limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
  }
  const rawStatus = query['status'];
  if (rawStatus !== undefined && !STATUS_SET.has(rawStatus)) {
    return invalid('status', `status must be one of ${SCAN_STATUSES.join(', ')}`);
  }
  const list = deps.catalog.list(accountGroupId, rawStatus as ScanStatus | undefined);
  let offset = 0;
  const rawCursor = query['cursor'];
  if (rawCursor !== undefined) {
    const decoded = deps.cursors.decode(list, rawCursor);
    if (!decoded.ok) return invalid('cursor', `Invalid cursor: ${decoded.reason}`);
    offset = decoded.offset;
  }
  const end = offset + limit;
  const hasMore = end < list.items.length;
  return okAnswer({
    items: list.items.slice(offset, end),
    nextCursor: hasMore ? deps.cursors.encode(list, end) : null,
    hasMore,
  });
}
