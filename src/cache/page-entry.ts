import type { CachedPage } from './page-request.js';

/**
 * A cached page is one string: a one-line header, then the page's `data` exactly as it will be
 * sent. A hit is a single GET and a string splice: nothing is parsed or re-encoded.
 *
 *   v1|<group>|<freshUntil>|<staleUntil>|<itemCount>|<fillToken>|<upstreamTraceId>|<dataLength>\n<dataJson>
 *
 * `fillToken` is the lock token of the load that wrote it, so an instance waiting on that lock
 * knows the entry is the one it waited for. `dataLength` catches a truncated or altered value
 * without parsing the page.
 */
const VERSION = 'v1';
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export interface PageEntry {
  accountGroupId: string;
  /** Epoch ms (the cache's clock): served as HIT before this. */
  freshUntil: number;
  /** Epoch ms: served as STALE (with a background refresh) before this; never after. */
  staleUntil: number;
  /** Letters, digits, `_` and `-` (a UUID). */
  fillToken: string;
  page: CachedPage;
}

export function encodePageEntry(entry: PageEntry): string {
  const { page } = entry;
  const traceId = page.upstreamTraceId === undefined ? '-' : `=${encodeURIComponent(page.upstreamTraceId)}`;
  const header = [
    VERSION,
    encodeURIComponent(entry.accountGroupId),
    String(entry.freshUntil),
    String(entry.staleUntil),
    String(page.itemCount),
    entry.fillToken,
    traceId,
    String(page.dataJson.length),
  ].join('|');
  return `${header}\n${page.dataJson}`;
}

/**
 * The entry, or undefined when the value fails any check (another format version, another group,
 * a damaged header or body): such a value must never be served.
 */
export function decodePageEntry(raw: string, accountGroupId: string): PageEntry | undefined {
  const newline = raw.indexOf('\n');
  if (newline < 0) return undefined;
  const fields = raw.slice(0, newline).split('|');
  if (fields.length !== 8) return undefined;
  const [version, group, fresh, stale, count, token, traceId, length] = fields;
  if (version !== VERSION || group !== encodeURIComponent(accountGroupId)) return undefined;
  const freshUntil = whole(fresh);
  const staleUntil = whole(stale);
  const itemCount = whole(count);
  const dataJson = raw.slice(newline + 1);
  if (freshUntil === undefined || staleUntil === undefined || itemCount === undefined) return undefined;
  if (freshUntil > staleUntil || whole(length) !== dataJson.length) return undefined;
  if (!dataJson.startsWith('{') || !dataJson.endsWith('}')) return undefined;
  const upstreamTraceId = decodeTraceId(traceId);
  if (upstreamTraceId === null || token === undefined || !TOKEN.test(token)) return undefined;
  return {
    accountGroupId,
    freshUntil,
    staleUntil,
    fillToken: token,
    page: { dataJson, itemCount, upstreamTraceId },
  };
}

function whole(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return undefined;
  return Number(text);
}

/** undefined = absent; null = damaged. */
function decodeTraceId(text: string | undefined): string | undefined | null {
  if (text === '-') return undefined;
  if (text === undefined || !text.startsWith('=')) return null;
  try {
    return decodeURIComponent(text.slice(1));
  } catch {
    return null;
  }
}
