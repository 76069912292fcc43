import { createHash } from 'node:crypto';
import type { PageQuery } from './page-request.js';

/** Cursors longer than this are replaced by their hash, so keys stay short. */
const MAX_RAW_CURSOR = 64;

/**
 * The cache identity of one page: group, status, cursor and limit. An absent parameter (`-`) is
 * distinct from every present value (`=value`), so `?status=` can never share a page with no
 * status; a hashed cursor is marked `#` so it cannot collide with a literal cursor. Values are
 * percent-encoded, so no input can smuggle a `{` or `}` into the key's Redis Cluster hash tag.
 */
export function pageId(query: PageQuery): string {
  const cursor =
    query.cursor !== undefined && query.cursor.length > MAX_RAW_CURSOR
      ? `#${createHash('sha256').update(query.cursor).digest('base64url')}`
      : present(query.cursor);
  return [
    `g${present(query.accountGroupId)}`,
    `s${present(query.status)}`,
    `c${cursor}`,
    `l${present(query.limit === undefined ? undefined : String(query.limit))}`,
  ].join('|');
}

function present(value: string | undefined): string {
  return value === undefined ? '-' : `=${encodeURIComponent(value)}`;
}
